/**
 * Failpoints: a way for crash tests to stop a process at an exact point of its work, instead of
 * killing it after a guessed delay (which sometimes landed before or after the phase it claimed).
 *
 * `HELPDESK_FAILPOINT=NAME` (or `NAME#N` for its N-th pass) makes the process write
 * `failpoint NAME` on stderr when it reaches that point, and then wait there for ever, holding
 * whatever it holds (an open transaction, the directory lock), until it is killed, or until it
 * gets SIGUSR2 and goes on (a test that does something else meanwhile: \`db reset\`). Unset, a
 * failpoint costs one comparison. Names in use: `import:staged`, `import:written`,
 * `import:before-commit`, `import:committed`, `pipeline:batch-claimed` (its tickets locked, before
 * the operators are), `pipeline:batch-written`, `pipeline:batch-committed`.
 */
const wanted = parse(process.env.HELPDESK_FAILPOINT);
const passes = new Map<string, number>();

function parse(value: string | undefined): { name: string; pass: number } | undefined {
  if (!value) return undefined;
  const [name, pass] = value.split('#');
  return { name: name!, pass: pass ? Number(pass) : 1 };
}

export async function failpoint(name: string): Promise<void> {
  if (wanted === undefined || wanted.name !== name) return;
  const pass = (passes.get(name) ?? 0) + 1;
  passes.set(name, pass);
  if (pass !== wanted.pass) return;
  process.stderr.write(`failpoint ${name}\n`);
  // An interval keeps the event loop alive (an embedded database holds no handle of its own).
  const alive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resume) =>
    process.once('SIGUSR2', () => {
      clearInterval(alive);
      process.stderr.write(`failpoint ${name} resumed\n`);
      resume();
    }),
  );
}
