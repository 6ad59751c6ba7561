// The tables as the Kysely query handle (Database.sql) sees them, for the stores that read
// without the ORM. Types are what the driver returns with our type parsers (src/db/types.ts):
// timestamps stay text, bigint is text, double precision is a number. Only the tables and
// columns read that way are listed; the entities (src/entities) remain the schema's definition.
import { OPEN_STATUSES, type Language, type Priority, type TicketSource, type TicketStatus } from '../entities/enums.ts';

/** SQL list of the statuses that count as open, for raw queries. */
export const OPEN_STATUS_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** A timestamptz as PostgreSQL prints it ("2026-12-02 04:35:49.123456+00"). */
export type TimestampText = string;

export interface DepartmentTable {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  created_at: TimestampText;
  updated_at: TimestampText;
}

export interface OperatorTable {
  id: string;
  name: string;
  email: string;
  department_id: string;
  capacity: number;
  active: boolean;
}

export interface CategoryTable {
  id: string;
  name: string;
  default_department_id: string;
  active: boolean;
}

export interface UserTable {
  id: string;
  email: string;
  name: string | null;
}

export interface TicketTable {
  id: string;
  /** bigint: text from the driver. */
  number: string;
  source: TicketSource;
  external_id: string | null;
  user_id: string | null;
  subject: string;
  body: string;
  language: Language | null;
  category_id: string | null;
  priority: Priority | null;
  issue_type: string | null;
  status: TicketStatus;
  department_id: string | null;
  operator_id: string | null;
  escalated: boolean;
  history: boolean;
  content_hash: string;
  created_at: TimestampText;
  updated_at: TimestampText;
  first_response_at: TimestampText | null;
  resolved_at: TimestampText | null;
  closed_at: TimestampText | null;
  sla_due_at: TimestampText | null;
}

export interface TicketMessageTable {
  id: string;
  ticket_id: string;
  author_kind: string;
  author: string | null;
  body: string;
  created_at: TimestampText;
}

export interface AiPredictionTable {
  id: string;
  ticket_id: string;
  category_id: string | null;
  department_id: string | null;
  priority: Priority | null;
  confidence: number;
  decision: string;
  review: string;
  corrected_category_id: string | null;
  corrected_department_id: string | null;
  reviewed_at: TimestampText | null;
  created_at: TimestampText;
}

export interface SettingTable {
  name: string;
  value: string;
}

export interface HelpdeskSchema {
  departments: DepartmentTable;
  operators: OperatorTable;
  categories: CategoryTable;
  users: UserTable;
  tickets: TicketTable;
  ticket_messages: TicketMessageTable;
  ai_predictions: AiPredictionTable;
  settings: SettingTable;
}
