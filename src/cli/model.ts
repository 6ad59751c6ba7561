import { Option, type Command } from 'commander';
import { collect, examples, fileFormatOptions, type ContextFor } from './shared.ts';
import type { ModelEvaluateOptions } from '../commands/model/evaluate.ts';

export function registerModelCommands(model: Command, context: ContextFor): void {
  model
    .command('train')
    .description('train one head per label with enough samples (category, department, priority, issue_type) and store the model')
    .option('--heads <list>', 'comma-separated heads to train (default: all that have enough samples)')
    .option('--activate', 'make the new model the active one (the previous one is deactivated in the same transaction)')
    .option('--seed <n>', 'random seed: the same samples and seed give the same model', '42')
    .option('--min-samples <n>', 'labelled samples a head needs to be trained', '50')
    .option('--split <part>', 'train only on this side of the stable hash split (train, or a part of --split-shares), as `export training-samples --split` assigns it')
    .option('--exclude-split <part>', 'train on every sample but those of this part (e.g. dev)')
    .option('--split-shares <shares>', 'the split the parts come from (default dev=0.2, as `export training-samples --split dev=0.2`)')
    .option('--budget <seconds>', 'time cross-validation may take to choose C and class weighting (default 60)')
    .option('--no-tune', "skip cross-validation: today's default C and class weighting")
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples([
        'helpdesk model train --activate',
        'helpdesk model train --heads category,department --seed 7',
        'helpdesk model train --split train --activate && helpdesk model evaluate --split dev',
        'helpdesk model train --json | jq .heads',
      ]),
    )
    .action(async (options: { heads?: string; activate?: boolean; seed: string; minSamples: string; split?: string; excludeSplit?: string; splitShares?: string; tune?: boolean; budget?: string; json?: boolean }, command: Command) => {
      const { modelTrain } = await import('../commands/model/train.ts');
      await modelTrain(context(command), options);
    });

  model
    .command('list')
    .description('list the stored models, newest first (* marks the active one)')
    .option('--json', 'print the models as JSON')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']))
    .option('--columns <names>', 'only these columns, in this order, e.g. version,samples')
    .addHelpText('after', examples(['helpdesk model list', 'helpdesk model list --format csv']))
    .action(async (options: { json?: boolean; format?: string; columns?: string }, command: Command) => {
      const { modelList } = await import('../commands/model/list.ts');
      await modelList(context(command), options);
    });

  model
    .command('show')
    .description('show a model: parameters, label sets and holdout metrics per head')
    .argument('<id>', 'model id (or a unique prefix, or its version number)')
    .option('--json', 'print the model as JSON')
    .addHelpText('after', examples(['helpdesk model show 3', 'helpdesk model show 0b5c1f2e --json']))
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const { modelShow } = await import('../commands/model/show.ts');
      await modelShow(context(command), id, options);
    });

  model
    .command('activate')
    .description('make a model the active one (used by predict, evaluate and the pipeline)')
    .argument('<id>', 'model id (or a unique prefix, or its version number)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(['helpdesk model activate 2']))
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const { modelActivate } = await import('../commands/model/activate.ts');
      await modelActivate(context(command), id, options);
    });

  fileFormatOptions(
    model
      .command('evaluate')
      .description("per head accuracy, macro-F1, per-class precision/recall/F1, confusion matrix and calibration error, on the model's holdout or a labelled file")
      .option('--model <id>', 'the model to evaluate (default: the active one)')
      .option('--file <file>', 'a labelled export to evaluate on (CSV, JSONL or a JSON array; - for stdin), read as `import tickets` reads it, not imported')
      .option('--map <field=column,...>', "the importer's map of ticket fields to the file's columns; evaluation reads body, subject, language, category, department, priority and issue_type and ignores the other fields", collect)
      .option('--from <preset>', 'the export of another helpdesk, as for import tickets (see import presets)')
      .option('--preset-file <file>', 'a preset as JSON, as for import tickets')
      .option('--value <field:foreign=ours>', 'map a foreign value of language, priority or issue_type to ours (repeatable), as for import tickets', collect),
  )
    .option('--split <part>', "evaluate on the database's own training samples of this part of the hash split (e.g. dev)")
    .option('--split-shares <shares>', 'the split the part comes from (default dev=0.2)')
    .option('--json', 'print the metrics as JSON')
    .addHelpText(
      'after',
      examples([
        'helpdesk model evaluate',
        'helpdesk model evaluate --file dev.csv --map body=Document,category=Topic_group --json',
        'helpdesk model evaluate --model 2 --file tickets.jsonl --map body=text --map category=topic',
        'helpdesk model evaluate --file zendesk-export.csv --from zendesk',
        'helpdesk model evaluate --split dev',
      ]),
    )
    .action(async (options: ModelEvaluateOptions, command: Command) => {
      const { modelEvaluate } = await import('../commands/model/evaluate.ts');
      await modelEvaluate(context(command), options);
    });

  model
    .command('predict')
    .description("classify a text: each head's top three labels with probabilities, the language, and the derived priority and issue type")
    .option('--text <text>', 'the ticket text (default: read from stdin)')
    .option('--model <id>', 'the model to use (default: the active one)')
    .option('--json', 'print the prediction as JSON')
    .addHelpText(
      'after',
      examples(['helpdesk model predict --text "Не могу войти в 1С, пароль не подходит"', 'echo "printer is not working" | helpdesk model predict --json']),
    )
    .action(async (options: { text?: string; model?: string; json?: boolean }, command: Command) => {
      const { modelPredict } = await import('../commands/model/predict.ts');
      await modelPredict(context(command), options);
    });
}
