// The five domain enums, stored as PostgreSQL enum types. Arrays keep them iterable for
// validation and help text; the union types keep them strict in code.
export const TICKET_SOURCES = ['email', 'chat', 'portal', 'phone'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export const LANGUAGES = ['ru', 'kk', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ISSUE_TYPES = ['simple', 'complex', 'auto_resolvable'] as const;
export type IssueType = (typeof ISSUE_TYPES)[number];

export const TICKET_STATUSES = ['new', 'auto_resolved', 'in_work', 'waiting', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses that still need someone's work: they count against operator capacity and backlog. */
export const OPEN_STATUSES = ['new', 'in_work', 'waiting'] as const satisfies readonly TicketStatus[];

export const USER_KINDS = ['client', 'employee'] as const;
export type UserKind = (typeof USER_KINDS)[number];

export const AUTHOR_KINDS = ['client', 'operator', 'ai', 'system'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];

export const LABEL_SOURCES = ['historic', 'human', 'ai_confirmed'] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

export const DECISIONS = ['auto_resolved', 'escalated', 'routed', 'queued'] as const;
export type Decision = (typeof DECISIONS)[number];

export const REVIEW_STATES = ['pending', 'confirmed', 'corrected'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
