import { defineEntity, p } from '@mikro-orm/core';
import { AutoResponse } from './AutoResponse.ts';
import { AUTHOR_KINDS } from './enums.ts';
import { Ticket } from './Ticket.ts';

export const TicketMessageSchema = defineEntity({
  name: 'TicketMessage',
  tableName: 'ticket_messages',
  indexes: [{ name: 'ticket_messages_ticket_created_idx', properties: ['ticket', 'createdAt'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    ticket: () => p.manyToOne(Ticket).inversedBy('messages').deleteRule('cascade'),
    authorKind: p.enum(AUTHOR_KINDS).nativeEnumName('author_kind'),
    /** Who wrote it: an e-mail address, an operator's name, or the model's name. */
    author: p.string().length(320).nullable(),
    body: p.text(),
    autoResponse: () => p.manyToOne(AutoResponse).nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export class TicketMessage extends TicketMessageSchema.class {}
TicketMessageSchema.setClass(TicketMessage);
