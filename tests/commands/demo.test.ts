import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.ts';

// `helpdesk demo` is the README's main command: from nothing, on the embedded database, with no
// PostgreSQL server and whatever DATABASE_URL says.
const home = mkdtempSync(join(tmpdir(), 'helpdesk-demo-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const env = { XDG_DATA_HOME: home, DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/never', HELPDESK_DATA_DIR: undefined, NO_COLOR: '1' };

describe('helpdesk demo', () => {
  it('runs the whole job from nothing, then starts clean when run again', async () => {
    const first = await spawnCli(['demo', '--json'], env);
    expect(first.stderr).not.toContain('error');
    expect(first.code).toBe(0);
    const a = JSON.parse(first.stdout);
    expect(a.location).toBe(join(home, 'helpdesk-demo'));
    expect(a.startedClean).toBe(false);
    expect(a.history).toEqual({ itTickets: 6000, fixtureTickets: 108 });
    expect(a.incoming).toBe(60);
    expect(a.pipeline.processed).toBe(60);
    const total = Object.values(a.pipeline.decisions as Record<string, number>).reduce((x, y) => x + y, 0);
    expect(total).toBe(60);
    for (const language of ['ru', 'kk', 'en']) {
      expect(Object.values(a.pipeline.byLanguage[language] as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(20);
    }
    expect(a.pipeline.decisions.auto_resolved).toBeGreaterThan(0);
    expect(a.pipeline.decisions.routed).toBeGreaterThan(0);
    expect(a.examples.map((e: { prediction: { decision: string } }) => e.prediction.decision).sort()).toEqual(
      Object.entries(a.pipeline.decisions as Record<string, number>).filter(([, n]) => n > 0).map(([d]) => d).sort(),
    );
    // The 60 fresh tickets are the intake; the imported history is counted apart (left out by default).
    expect(a.daily.total.newTickets).toBe(60);
    expect(a.daily.history).toBe('exclude');
    expect(a.daily.total.autoResolved).toBe(a.pipeline.decisions.auto_resolved);
    // They arrived within the last hour: answered in minutes, no SLA (4 h at the least) broken.
    expect(a.daily.total.avgFirstResponseMinutes).toBeGreaterThan(0);
    expect(a.daily.total.avgFirstResponseMinutes).toBeLessThan(62);
    expect(a.daily.total.slaBreaches).toEqual({ low: 0, medium: 0, high: 0, critical: 0 });
    // A statistics row's tickets are `tickets list --from D --to D`.
    const dataDir = join(home, 'helpdesk-demo');
    for (const row of a.daily.rows as { day: string; newTickets: number }[]) {
      const listed = await spawnCli(['--data-dir', dataDir, 'tickets', 'list', '--from', row.day, '--to', row.day, '--limit', '10000', '--json'], { ...env, DATABASE_URL: undefined });
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout), row.day).toHaveLength(row.newTickets);
    }

    const second = await spawnCli(['demo'], env);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('starting clean: emptying the demo database');
    expect(second.stdout).toContain('Decisions per language');
    expect(second.stdout).toContain('Why: one example per decision');
    expect(second.stdout).toMatch(/^total\t(\d+)\t(\d+)\t(\d+)\t(\d+)$/m);
    const totals = second.stdout.match(/^total\t(\d+)\t(\d+)\t(\d+)\t(\d+)$/m)!.slice(1).map(Number);
    expect(totals).toEqual([a.pipeline.decisions.auto_resolved, a.pipeline.decisions.escalated, a.pipeline.decisions.routed, a.pipeline.decisions.queued]);
  }, 400_000);

  it('will not replace a database that is not a demo without --yes', async () => {
    const dataDir = join(home, 'real');
    expect((await spawnCli(['db', 'init', '--data-dir', dataDir], { ...env, DATABASE_URL: undefined })).code).toBe(0);
    const refused = await spawnCli(['--data-dir', dataDir, 'demo'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`error: ${dataDir} holds a helpdesk database that is not a demo; the demo replaces ALL its data. Continue: refusing without --yes when there is no terminal\n`);
  }, 60_000);
});
