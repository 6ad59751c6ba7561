import { addOperator, parseOperator } from '../../services/reference/operators.ts';
import { departmentChoices, languageChoices } from '../choices.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, confirmAnswers, flagLabels, reportSaved, requireFlags } from '../reference.ts';

export interface OperatorAddOptions {
  name?: string;
  email?: string;
  department?: string;
  languages?: string;
  capacity?: string;
  active?: boolean;
  json?: boolean;
}

const label = flagLabels({});

export async function operatorsAdd(ctx: CommandContext, options: OperatorAddOptions): Promise<void> {
  const { name, email, department, languages, capacity } = options;
  requireFlags(ctx, [[name, '--name'], [email, '--email'], [department, '--department'], [languages, '--languages'], [capacity, '--capacity']]);
  const given = { name, email, department, languages, capacity, active: options.active };
  parseOperator(given, label); // everything given is checked before the database is opened
  const check = (field: string) => (value: string) => parseOperator({ [field]: value }, label);
  const row = await withDatabase(ctx, async (db) => {
    const ask = asker(ctx);
    const answers = {
      ...given,
      name: await ask.text(name, '--name', 'Name', check('name')),
      email: await ask.text(email, '--email', 'E-mail', check('email')),
      department: await ask.pick(department, '--department', 'Department', () => departmentChoices(db.em)),
      languages: await ask.tick(languages, '--languages', 'Languages spoken', languageChoices()),
      capacity: await ask.text(capacity, '--capacity', 'Capacity (open tickets at most)', check('capacity')),
    };
    const patch = parseOperator(answers, label);
    const summary = `${patch.name} <${patch.email}>, ${patch.department}, ${patch.languages!.join('/')}, capacity ${patch.capacity}`;
    if (!(await confirmAnswers(ctx, ask, `Add operator ${summary}?`))) return null;
    return addOperator(db.em, patch, label);
  });
  if (row) reportSaved(ctx, options, 'operator', row.email, 'created', row);
}
