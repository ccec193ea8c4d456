/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A user's outstanding helper jobs (gw_ctl.h ctl_job_ref): a doubly linked
 * list through the jobs, so a job unlinks itself without its owner's head,
 * and an owner that goes first orphans them all (their done then only
 * frees). Loop thread only.
 */
#include <stddef.h>

#include "gw_ctl.h"

void
ctl_job_link(struct ctl_job_ref **head, struct ctl_job_ref *j, void *owner)
{
	j->owner = owner;
	j->next = *head;
	j->pprev = head;
	if (*head != NULL)
		(*head)->pprev = &j->next;
	*head = j;
}

void *
ctl_job_unlink(struct ctl_job_ref *j)
{
	void *owner = j->owner;

	if (j->pprev != NULL) {
		*j->pprev = j->next;
		if (j->next != NULL)
			j->next->pprev = j->pprev;
	}
	j->next = NULL;
	j->pprev = NULL;
	j->owner = NULL;
	return owner;
}

void
ctl_job_orphan_all(struct ctl_job_ref **head)
{
	while (*head != NULL)
		ctl_job_unlink(*head);
}
