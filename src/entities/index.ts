import { AiPrediction } from './AiPrediction.ts';
import { AuditEntry } from './AuditEntry.ts';
import { AutoResponse } from './AutoResponse.ts';
import { Category } from './Category.ts';
import { DailyStat } from './DailyStat.ts';
import { Department } from './Department.ts';
import { MlModel } from './MlModel.ts';
import { Operator } from './Operator.ts';
import { Setting } from './Setting.ts';
import { OperatorLogin } from './OperatorLogin.ts';
import { Ticket } from './Ticket.ts';
import { TicketEvent } from './TicketEvent.ts';
import { TicketMessage } from './TicketMessage.ts';
import { TrainingSample } from './TrainingSample.ts';
import { User } from './User.ts';

export { AiPrediction, AuditEntry, AutoResponse, Category, DailyStat, Department, MlModel, Operator, OperatorLogin, Setting, Ticket, TicketEvent, TicketMessage, TrainingSample, User };
export * from './enums.ts';

/** Every entity, in the order their tables are listed by `db status`. */
export const ALL_ENTITIES = [Ticket, User, Department, Operator, Category, MlModel, AiPrediction, AutoResponse, TicketMessage, DailyStat, TrainingSample, Setting, TicketEvent, OperatorLogin, AuditEntry];
