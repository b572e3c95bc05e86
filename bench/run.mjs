#!/usr/bin/env node
// The benchmark of issue 8: unified against DuckDB in the same run, each job run N times (default 3), ours and the
// peer alternating, every run its own process. Wall time is taken around the process (start-up included); peak
// RSS and CPU time come from bench/measure.mjs, preloaded through NODE_OPTIONS into every measured process.
//
// Usage (after `pnpm build`; `pnpm bench [--full]` at the root builds first):
//   node bench/run.mjs [--full] [--rows <n>] [--runs <n>] [--klines-days <n>] [--no-write] [--out <file>] [--keep]
//   --full            also the other engines (convert-aggtrades-<engine>), the packages' memory-scaling scripts
//                     (turbo run bench --concurrency=1) and the converter at 1 M, 5 M and 20 M aggtrades rows
//   --rows <n>        aggtrades rows over 10 days (default 10 000 000)
//   --runs <n>        runs per job and side (default 3)
//   --klines-days <n> days of 1-minute klines (default 365; smaller only for smoke runs)
//   --no-write        leave bench/results/latest.json and BENCHMARKS.md alone
//   --out <file>      also write the JSON document to this file
//   --keep            keep the temporary folder (its path is printed)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSampleData } from '@unified/sample-data';

const started = performance.now();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps/cli/dist/cli.js');
const peerScript = join(root, 'bench/peer.mjs');
const measureUrl = pathToFileURL(join(root, 'bench/measure.mjs')).href;
const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const AGG_DAYS = 10;
const SCALING_DAY_ROWS = 100_000;

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const options = { full: false, rows: 10_000_000, runs: 3, klinesDays: 365, write: true, out: undefined, keep: false };
  const number = (name, value) => {
    const n = Number(String(value).replaceAll('_', ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--full') options.full = true;
    else if (arg === '--rows') options.rows = number(arg, argv[++i]);
    else if (arg === '--runs') options.runs = number(arg, argv[++i]);
    else if (arg === '--klines-days') options.klinesDays = number(arg, argv[++i]);
    else if (arg === '--no-write') options.write = false;
    else if (arg === '--out') options.out = resolve(process.env.INIT_CWD ?? process.cwd(), argv[++i] ?? '');
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--') continue;
    else throw new Error(`unknown option ${arg} (see the header of bench/run.mjs)`);
  }
  if (options.rows < AGG_DAYS) throw new Error(`--rows must be at least ${AGG_DAYS} (one row a day)`);
  return options;
}

const options = parseArgs(process.argv.slice(2));
if (!existsSync(cli)) {
  process.stderr.write(`error: ${cli} is missing: run \`pnpm build\` first (pnpm bench does)\n`);
  process.exit(1);
}

const tmp = mkdtempSync(join(os.tmpdir(), 'unified-bench-'));
let cleaned = false;
function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  if (options.keep) process.stderr.write(`kept ${tmp}\n`);
  else rmSync(tmp, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const log = (message) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------- measuring one process
let measureCount = 0;
function measured(args, { stdout = 'pipe', allowFailure = false } = {}) {
  const record = join(tmp, `measure-${measureCount++}.json`);
  const env = {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${measureUrl}`].filter(Boolean).join(' '),
    UNIFIED_BENCH_MEASURE: record,
    NO_COLOR: '1',
  };
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', stdout, 'pipe'], env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallS = (performance.now() - t0) / 1000;
  if (result.error) throw result.error;
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`node ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stderr}`);
  }
  let usage = null;
  try {
    usage = JSON.parse(readFileSync(record, 'utf8'));
  } catch {
    // no record: the process died before `exit`
  }
  return {
    wallS,
    rssMb: usage ? usage.maxRssKb / 1024 : null,
    cpuS: usage ? (usage.userUs + usage.systemUs) / 1e6 : null,
    stdout: result.stdout ?? '',
    status: result.status,
  };
}

function unmeasured(args) {
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stderr}`);
  return result.stdout;
}

function dirBytes(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((n, name) => n + dirBytes(join(path, name)), 0);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 3) => (value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));

// ---------------------------------------------------------------- inputs
const peer = (job, args) => [peerScript, job, JSON.stringify(args)];

async function aggtradesInput(dir, rows, days = AGG_DAYS) {
  // Generated per day by the sample generator, then rewritten by DuckDB as one snappy consolidated file, named
  // as the converter expects; a one-day klines file beside it because `unified convert` requires klines.
  const raw = join(dir, 'raw');
  await generateSampleData({ outDir: raw, kinds: ['aggtrades'], formats: ['parquet'], aggtradesRows: rows, days, start: START, seed: 1 });
  const rawFile = join(raw, readdirSync(raw).find((name) => name.startsWith('aggtrades_')));
  const input = join(dir, 'aggtrades_binance_BTCUSDT_consolidated.parquet');
  unmeasured(peer('consolidate', { input: rawFile, output: input }));
  rmSync(raw, { recursive: true, force: true });
  const klines = join(dir, 'klines-1d');
  await generateSampleData({ outDir: klines, kinds: ['klines'], formats: ['parquet'], days: 1, klinesDays: 1, start: START, seed: 1 });
  for (const name of readdirSync(klines)) renameSync(join(klines, name), join(dir, name));
  rmSync(klines, { recursive: true, force: true });
  return input;
}

function cliEngines() {
  const help = unmeasured([cli, 'convert', '--help']).replace(/\s+/g, ' ');
  const block = /--engine <name>(.*?)\(choices: ([^)]*)\)/.exec(help);
  const engines = block ? [...block[2].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : ['wasm'];
  const fallback = /else (\w+)\)/.exec(block?.[1] ?? '');
  const engine = fallback && engines.includes(fallback[1]) ? fallback[1] : engines[0];
  return { defaultEngine: engine, engines };
}

// ---------------------------------------------------------------- the run
const setup = {};
const timed = async (name, fn) => {
  const t0 = performance.now();
  const value = await fn();
  setup[name] = round((performance.now() - t0) / 1000, 2);
  return value;
};

const results = [];
let memoryScaling = null;
let packageBenches = null;

try {
  const { defaultEngine, engines } = cliEngines();
  log(`unified bench: ${options.rows.toLocaleString('en-US')} aggtrades rows, ${options.runs} run(s) per job and side, engines ${engines.join(', ')} (default ${defaultEngine})${options.full ? ', --full' : ''}`);

  const aggDir = join(tmp, 'aggtrades');
  const aggInput = await timed('generate_aggtrades_s', () => aggtradesInput(aggDir, options.rows));
  const klinesDir = join(tmp, 'klines');
  await timed('generate_klines_s', () =>
    generateSampleData({ outDir: klinesDir, kinds: ['klines'], formats: ['parquet'], days: options.klinesDays, klinesDays: options.klinesDays, start: START, seed: 1 }),
  );
  const klinesInput = join(klinesDir, readdirSync(klinesDir).find((name) => name.startsWith('klines_')));
  const klinesRows = options.klinesDays * 1440;

  // Funding, three years, converted once (untimed setup, no job of its own: 3 rows a day).
  const fundingDir = join(tmp, 'funding');
  const fundingDays = 3 * 365;
  await timed('generate_funding_s', () =>
    generateSampleData({ outDir: fundingDir, kinds: ['klines', 'futures'], formats: ['parquet'], days: 1, klinesDays: 1, fundingDays, start: Date.UTC(2022, 0, 1), seed: 1 }),
  );
  const fundingRun = measured([cli, 'convert', '--data-dir', fundingDir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--backup', 'none', '--no-log-file', '--json', '-q']);
  const fundingSummary = JSON.parse(fundingRun.stdout).datasets.find((d) => d.type === 'futures');
  setup.convert_funding = { rows: fundingSummary?.rowsWritten ?? null, partitions: fundingSummary?.partitionsWritten ?? null, seconds: round(fundingRun.wallS, 2), peak_rss_mb: round(fundingRun.rssMb, 0) };

  const peerOut = join(tmp, 'peer-out');
  const convertOurs = (dataDir, engine, type) => ({
    prepare: () => rmSync(join(dataDir, 'unified'), { recursive: true, force: true }),
    args: [cli, 'convert', '--data-dir', dataDir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--engine', engine, '--backup', 'none', '--no-log-file', '--json', '-q'],
    output: join(dataDir, 'unified', type),
    rows: (stdout) => JSON.parse(stdout).datasets.find((d) => d.type === type)?.rowsWritten,
  });
  const convertPeer = (job, input, prefix) => ({
    prepare: () => rmSync(peerOut, { recursive: true, force: true }),
    args: peer(job, { input, output: peerOut, compression: 'snappy', prefix }),
    output: peerOut,
  });

  const aggDataset = join(aggDir, 'unified/aggtrades/binance_BTCUSDT');
  const klinesDataset = join(klinesDir, 'unified/klines/binance_BTCUSDT_1m');
  const iso = (ms) => new Date(ms).toISOString();
  const readJob = (job, dataset, startMs, endMs) => ({
    job,
    engine: null,
    rows: () => Number(unmeasured(peer('count', { glob: `${dataset}/**/*.parquet`, startMs, endMs })).trim()),
    ours: { args: [cli, 'query', dataset, '--start', iso(startMs), '--end', iso(endMs), '--format', 'csv'], stdout: 'ignore' },
    peer: { args: peer('read', { glob: `${dataset}/**/*.parquet`, startMs, endMs }) },
  });
  const dayOfYear = Math.min(165, options.klinesDays - 1);

  const jobs = [
    { job: 'convert-aggtrades', engine: defaultEngine, rows: options.rows, ours: convertOurs(aggDir, defaultEngine, 'aggtrades'), peer: convertPeer('convert-per-day', aggInput, 'exchange=binance/symbol=BTCUSDT') },
    { job: 'convert-aggtrades-partition-by', engine: defaultEngine, rows: options.rows, ours: convertOurs(aggDir, defaultEngine, 'aggtrades'), peer: convertPeer('convert-partition-by', aggInput) },
    { job: 'convert-klines-year', engine: defaultEngine, rows: klinesRows, ours: convertOurs(klinesDir, defaultEngine, 'klines'), peer: convertPeer('convert-per-day', klinesInput, 'exchange=binance/symbol=BTCUSDT/timeframe=1m') },
    readJob('read-aggtrades-day', aggDataset, START + 4 * DAY_MS, START + 5 * DAY_MS),
    readJob('read-klines-day-of-year', klinesDataset, START + dayOfYear * DAY_MS, START + (dayOfYear + 1) * DAY_MS),
    readJob('read-aggtrades-month-range', aggDataset, START + 2.5 * DAY_MS, START + 7.5 * DAY_MS),
    {
      job: 'validate-aggtrades',
      engine: null,
      rows: options.rows,
      ours: { args: [cli, 'validate', '--data-dir', aggDir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--type', 'aggtrades', '-q'] },
      peer: { args: peer('validate', { glob: `${aggDataset}/**/*.parquet` }) },
    },
    ...(options.full
      ? engines
          .filter((engine) => engine !== defaultEngine)
          .map((engine) => ({ job: `convert-aggtrades-${engine}`, engine, rows: options.rows, ours: convertOurs(aggDir, engine, 'aggtrades'), peer: convertPeer('convert-per-day', aggInput, 'exchange=binance/symbol=BTCUSDT') }))
      : []),
  ];

  for (const spec of jobs) {
    const rows = typeof spec.rows === 'function' ? spec.rows() : spec.rows;
    const sides = { ours: [], peer: [] };
    for (let run = 0; run < options.runs; run++) {
      for (const side of ['ours', 'peer']) {
        const s = spec[side];
        s.prepare?.();
        const m = measured(s.args, { stdout: s.stdout ?? 'pipe' });
        if (side === 'ours' && s.rows) {
          const written = s.rows(m.stdout);
          if (written !== rows) throw new Error(`${spec.job}: ours wrote ${written} rows, expected ${rows}`);
        }
        sides[side].push({ ...m, bytes: s.output ? dirBytes(s.output) : null });
        log(`  ${spec.job} run ${run + 1} ${side}: ${m.wallS.toFixed(2)} s, ${m.rssMb?.toFixed(0)} MB peak RSS, ${m.cpuS?.toFixed(2)} s CPU`);
      }
    }
    const summary = (runs) => {
      const times = runs.map((r) => r.wallS);
      const s = median(times);
      return {
        s,
        min: Math.min(...times),
        cpu: median(runs.map((r) => r.cpuS ?? NaN)),
        rss: Math.max(...runs.map((r) => r.rssMb ?? NaN)),
        bytes: runs.at(-1).bytes,
        runs: times,
      };
    };
    const ours = summary(sides.ours);
    const theirs = summary(sides.peer);
    results.push({
      job: spec.job,
      engine: spec.engine,
      rows,
      ours_s: round(ours.s),
      peer_s: round(theirs.s),
      ratio: round(theirs.s / ours.s),
      peak_rss_mb: round(ours.rss, 0),
      output_bytes: ours.bytes,
      ours_min_s: round(ours.min),
      peer_min_s: round(theirs.min),
      ours_cpu_s: round(ours.cpu),
      peer_cpu_s: round(theirs.cpu),
      ours_rows_per_s: round(rows / ours.s, 0),
      peer_rows_per_s: round(rows / theirs.s, 0),
      peer_peak_rss_mb: round(theirs.rss, 0),
      peer_output_bytes: theirs.bytes,
      ours_runs_s: ours.runs.map((t) => round(t)),
      peer_runs_s: theirs.runs.map((t) => round(t)),
    });
  }

  if (options.full) {
    // Each package's `bench` script, one after the other, in its own folder. Run through the shell rather than
    // turbo: turbo needs the package manager's binary on PATH, which `node bench/run.mjs` does not have.
    log("--full: the packages' memory-scaling scripts (each package's `bench` script)");
    const t0 = performance.now();
    const scripts = [];
    for (const name of readdirSync(join(root, 'packages')).sort()) {
      const dir = join(root, 'packages', name);
      const manifest = existsSync(join(dir, 'package.json')) ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) : {};
      const script = manifest.scripts?.bench;
      if (typeof script !== 'string') continue;
      log(`  ${manifest.name}: ${script}`);
      const r = spawnSync(script, { cwd: dir, stdio: 'inherit', shell: true });
      scripts.push({ package: manifest.name, script, status: r.status });
    }
    const status = scripts.every((s) => s.status === 0) ? 0 : 1;
    packageBenches = { command: "each package's `bench` script", status, scripts, seconds: round((performance.now() - t0) / 1000, 1) };
    if (status !== 0) log(`  failed: ${scripts.filter((s) => s.status !== 0).map((s) => s.package).join(', ')}`);

    log(`--full: converter memory scaling (unified convert, aggtrades at 1 M, 5 M and 20 M rows, ${SCALING_DAY_ROWS.toLocaleString('en-US')} a day)`);
    memoryScaling = [];
    for (const rows of [1_000_000, 5_000_000, 20_000_000]) {
      const dir = join(tmp, `scaling-${rows}`);
      // The same rows a day at every size, so that the series varies the input's length alone.
      await aggtradesInput(dir, rows, rows / SCALING_DAY_ROWS);
      const ours = convertOurs(dir, defaultEngine, 'aggtrades');
      const m = measured(ours.args);
      memoryScaling.push({ rows, engine: defaultEngine, seconds: round(m.wallS), peak_rss_mb: round(m.rssMb, 0), cpu_s: round(m.cpuS), output_bytes: dirBytes(ours.output), rows_per_s: round(rows / m.wallS, 0) });
      log(`  ${rows} rows: ${m.wallS.toFixed(2)} s, ${m.rssMb?.toFixed(0)} MB peak RSS`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  cleanUp();
}

// ---------------------------------------------------------------- reporting
const cpus = os.cpus();
const machine = {
  cpus: cpus.length,
  model: cpus[0]?.model?.trim() ?? 'unknown',
  memory_gib: round(os.totalmem() / 2 ** 30, 1),
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
};
const document = {
  machine,
  date: new Date().toISOString(),
  options: { rows: options.rows, runs: options.runs, klines_days: options.klinesDays, full: options.full },
  duration_s: round((performance.now() - started) / 1000, 1),
  setup,
  jobs: results,
  ...(memoryScaling ? { memory_scaling: memoryScaling } : {}),
  ...(packageBenches ? { package_benches: packageBenches } : {}),
};

const fmtS = (s) => (s == null ? '–' : s < 10 ? s.toFixed(2) : s.toFixed(1));
const fmtRate = (r) => (r == null ? '–' : r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : r >= 1e3 ? `${(r / 1e3).toFixed(0)} k` : String(r));
const fmtMb = (b) => (b == null ? '–' : `${(b / 1e6).toFixed(1)}`);
const header = ['job', 'engine', 'rows', 'ours s (median / min)', 'DuckDB s (median / min)', 'ratio', 'ours rows/s', 'DuckDB rows/s', 'ours peak RSS MB', 'DuckDB peak RSS MB', 'CPU s ours / DuckDB', 'output MB ours / DuckDB'];
const tableRows = results.map((r) => [
  `\`${r.job}\``,
  r.engine ?? '–',
  r.rows.toLocaleString('en-US'),
  `${fmtS(r.ours_s)} / ${fmtS(r.ours_min_s)}`,
  `${fmtS(r.peer_s)} / ${fmtS(r.peer_min_s)}`,
  r.ratio == null ? '–' : r.ratio.toFixed(2),
  fmtRate(r.ours_rows_per_s),
  fmtRate(r.peer_rows_per_s),
  String(r.peak_rss_mb ?? '–'),
  String(r.peer_peak_rss_mb ?? '–'),
  `${fmtS(r.ours_cpu_s)} / ${fmtS(r.peer_cpu_s)}`,
  r.output_bytes == null ? '–' : `${fmtMb(r.output_bytes)} / ${fmtMb(r.peer_output_bytes)}`,
]);
const markdownTable = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const byJob = Object.fromEntries(results.map((r) => [r.job, r]));
const target = (name, holds, actual) => [name, holds == null ? 'not measured' : holds ? 'holds' : '**does not hold**', actual];
const targets = [
  target('convert aggtrades, default engine: ratio ≥ 0.25 (moonshot ≥ 0.5)', byJob['convert-aggtrades'] ? byJob['convert-aggtrades'].ratio >= 0.25 : null, byJob['convert-aggtrades'] ? `ratio ${byJob['convert-aggtrades'].ratio.toFixed(2)}` : '–'),
  target('convert aggtrades: peak RSS ≤ 1 GB', byJob['convert-aggtrades'] ? Math.max(byJob['convert-aggtrades'].peak_rss_mb, ...(memoryScaling ?? []).map((m) => m.peak_rss_mb)) <= 1024 : null, byJob['convert-aggtrades'] ? `${Math.max(byJob['convert-aggtrades'].peak_rss_mb, ...(memoryScaling ?? []).map((m) => m.peak_rss_mb))} MB` : '–'),
  target('convert klines, one year: ≤ 3 s', byJob['convert-klines-year'] && options.klinesDays === 365 ? byJob['convert-klines-year'].ours_s <= 3 : null, byJob['convert-klines-year'] ? `${fmtS(byJob['convert-klines-year'].ours_s)} s` : '–'),
  ...['read-aggtrades-day', 'read-klines-day-of-year'].map((job) => target(`\`${job}\`: ≤ 2× DuckDB's time (ratio ≥ 0.5)`, byJob[job] ? byJob[job].ratio >= 0.5 : null, byJob[job] ? `ratio ${byJob[job].ratio.toFixed(2)}` : '–')),
];

const table = markdownTable(header, tableRows);
process.stdout.write(`\n${table}\n\n`);
if (memoryScaling) {
  process.stdout.write(`${markdownTable(['rows', 'seconds', 'rows/s', 'peak RSS MB'], memoryScaling.map((m) => [m.rows.toLocaleString('en-US'), fmtS(m.seconds), fmtRate(m.rows_per_s), String(m.peak_rss_mb)]))}\n\n`);
}
process.stdout.write(`${machine.cpus} × ${machine.model}, ${machine.memory_gib} GiB, Node ${machine.node}; harness ${document.duration_s} s\n`);

if (options.out) {
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(document, null, 2)}\n`);
}
if (options.write) {
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify(document, null, 2)}\n`);
  const md = [
    '# Benchmarks',
    '',
    `Generated by \`pnpm bench${options.full ? ' --full' : ''}\` (\`bench/run.mjs\`) on ${document.date.slice(0, 10)}; the raw numbers are in`,
    '[`bench/results/latest.json`](bench/results/latest.json). Do not edit by hand: run the benchmark again.',
    '',
    `**Machine:** ${machine.cpus} × ${machine.model}, ${machine.memory_gib} GiB RAM, ${machine.os}, Node ${machine.node}.`,
    `**Run:** ${options.rows.toLocaleString('en-US')} aggtrades rows over ${AGG_DAYS} days, ${(options.klinesDays * 1440).toLocaleString('en-US')} klines (${options.klinesDays} days of 1m), ` +
      `${options.runs} runs per job and side, harness ${document.duration_s} s (input generation ${round((setup.generate_aggtrades_s ?? 0) + (setup.generate_klines_s ?? 0) + (setup.generate_funding_s ?? 0), 1)} s of it).`,
    '',
    '`ratio` = DuckDB median time / our median time: our throughput relative to DuckDB\'s (1.0 as fast, 0.25 a quarter as fast).',
    'Times are wall-clock seconds of the whole process, start-up included; peak RSS and CPU time (user + system, all threads) are the process\'s own.',
    '',
    table,
    '',
    '## Targets (issue 8)',
    '',
    markdownTable(['target', 'status', 'measured'], targets),
    '',
    ...(memoryScaling
      ? [
          '## Converter memory scaling (`--full`)',
          '',
          `\`unified convert\` on consolidated aggtrades of ${SCALING_DAY_ROWS.toLocaleString('en-US')} rows a day (10, 50 and 200 days), one run each, engine ${memoryScaling[0]?.engine}. ` +
            'The rows of one day also cost memory, up to one row group (1 M rows): `convert-aggtrades` above, at 1 M rows a day, shows that bound.',
          '',
          markdownTable(['rows', 'seconds', 'rows/s', 'peak RSS MB', 'output MB'], memoryScaling.map((m) => [m.rows.toLocaleString('en-US'), fmtS(m.seconds), fmtRate(m.rows_per_s), String(m.peak_rss_mb), fmtMb(m.output_bytes)])),
          '',
          `Peak RSS largest / smallest input: ${(Math.max(...memoryScaling.map((m) => m.peak_rss_mb)) / Math.min(...memoryScaling.map((m) => m.peak_rss_mb))).toFixed(2)} (flat is < 1.5). ` +
            `The packages' own memory-scaling scripts (each package's \`bench\` script: ${(packageBenches?.scripts ?? []).map((s) => `${s.package} exited ${s.status}`).join(', ')}) print their tables in the run's output; the packages' READMEs record them.`,
          '',
        ]
      : []),
    '## Method',
    '',
    'Inputs are generated once per run, deterministically (seed 1), by `@unified/sample-data` into a temporary folder that is removed at the end: ' +
      `aggtrades over ${AGG_DAYS} days rewritten by DuckDB as one snappy consolidated Parquet file (\`aggtrades_binance_BTCUSDT_consolidated.parquet\`, beside a one-day klines file because \`unified convert\` requires klines; ` +
      'only aggtrades rows are counted and only the aggtrades dataset is measured for output bytes), one year of 1-minute klines, and three years of funding rates (converted once as setup; no job of its own). ' +
      'Every job runs ours and the peer alternately, each run in its own process: ours is the built CLI (`node apps/cli/dist/cli.js …`), the peer `node bench/peer.mjs <job>` with `@duckdb/node-api` (default threads: one per core). ' +
      'Wall time is measured around the process; peak RSS (`process.resourceUsage().maxRSS`) and CPU time (`process.cpuUsage()`) are written at `exit` by `bench/measure.mjs`, preloaded with `NODE_OPTIONS=--import`. ' +
      'Output bytes are the size of the output folder after the last run. Tables show the median and the minimum of the runs.',
    '',
    '- `convert-aggtrades`: `unified convert` with the default engine and codec (snappy), output removed before each run; peer: one DuckDB `COPY (… WHERE timestamp in day) TO …/exchange=binance/symbol=BTCUSDT/year=…/month=…/day=…/part-0.parquet (FORMAT parquet, COMPRESSION snappy)` per day. ' +
      'DuckDB copies the source columns as they are; we also sort, deduplicate, add `timestamp_us`, write manifests and metadata and commit atomically.',
    '- `convert-aggtrades-partition-by`: the same ours; peer: one `COPY … (PARTITION_BY (exchange, symbol, year, month, day))`. `convert-aggtrades-<engine>` (only `--full`): the other engines of `unified convert --help` against the per-day peer.',
    '- `convert-klines-year`: one year of 1-minute klines (the klines dataset only); peer: one `COPY … WHERE` per day (365), the same as `convert-aggtrades`.',
    '- `read-aggtrades-day`, `read-klines-day-of-year`, `read-aggtrades-month-range` (a range from the middle of day 3 to the middle of day 8, six partitions): both read the dataset our converter wrote and write every matching row, all columns, as CSV: ' +
      'ours `unified query <dataset> --start … --end … --format csv` to `/dev/null`; peer `COPY (SELECT * FROM read_parquet(\'…/**/*.parquet\', hive_partitioning = true) WHERE timestamp >= … AND timestamp < …) TO \'/dev/null\' (FORMAT csv)`.',
    '- `validate-aggtrades`: ours `unified validate --type aggtrades` (schema, partitions, order, duplicates across files, values, gaps, stray files, manifest, metadata and sha256 checksums); ' +
      'peer: the nearest single DuckDB query — rows, duplicate trade ids and out-of-order rows per file — which checks much less (no duplicates across files, no schema, values, gaps, manifest or checksums).',
    '',
  ].join('\n');
  writeFileSync(join(root, 'BENCHMARKS.md'), md);
  log('wrote bench/results/latest.json and BENCHMARKS.md');
}
