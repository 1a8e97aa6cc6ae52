/**
 * The report page's script (runs in the browser; built into the page by scripts/gen-report-assets.mjs).
 *
 * It reads the page's data (format.ts), folds every run's steps over its genesis once — keeping,
 * for each step, the values it replaced, so the state after any step is reached from the current
 * one in as many steps as lie between them — and draws: the step timeline (paged), the state
 * after the selected step with what it changed, the step's coin flows as an SVG diagram, its
 * explanation, and each account's holdings over the steps as stacked uPlot charts. Amounts are
 * BigInt (exact); only the charts use floating-point gonka.
 */
import type { Amount, Delta, EscrowData, PageData, ParticipantRow, RunData, StepDetail } from '../format.js';

type UPlotClass = typeof import('uplot');
type UPlotChart = import('uplot');
declare const uPlot: UPlotClass;

(() => {
  const byId = (id: string): HTMLElement => {
    const el = document.getElementById(id);
    if (el === null) throw new Error(`the page has no #${id}`);
    return el;
  };
  const data = JSON.parse(byId('epochsim-data').textContent ?? '{}') as PageData;
  const COUNT = data.lines.length;
  const PAGE = 100;
  /** Tables longer than this show the rows the step changed first, and the rest on request. */
  const ROWS = 40;
  const several = data.runs.length > 1;
  const moduleSet = new Set(data.modules);
  const holders = data.accounts.map((_, i) => i).filter((i) => !moduleSet.has(i));
  /** By account index: its participant index, for the accounts that are participants. */
  const participantOf = new Map(data.participantAccount.map((account, p) => [account, p]));
  const vestingWorld = data.accounts.includes('streamvesting');

  // -------------------------------------------------------------------------------------------
  // Text

  const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITY[c] as string);
  const group = (n: bigint): string => {
    const digits = (n < 0n ? -n : n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return n < 0n ? `-${digits}` : digits;
  };
  /** ngonka → gonka, exact, without trailing zeros: as `run` and `explain` write it. */
  const gonka = (n: bigint): string => {
    const abs = n < 0n ? -n : n;
    const frac = abs % 1_000_000_000n;
    const fracText = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
    return `${n < 0n ? '-' : ''}${group(abs / 1_000_000_000n)}${fracText}`;
  };
  const signed = (n: bigint): string => (n < 0n ? `−${gonka(-n)}` : `+${gonka(n)}`);
  const big = (a: Amount): bigint => BigInt(a);
  const eventOf = (position: number): string => data.events[data.kinds[position]];

  // -------------------------------------------------------------------------------------------
  // Each run's state, moved step by step

  interface Undo {
    readonly b: [number, bigint][];
    readonly p: [number, number, unknown][];
    readonly e: [number, EscrowData | undefined][];
    ep: [number, 0 | 1] | undefined;
  }

  interface Live {
    readonly run: RunData;
    readonly bank: bigint[];
    readonly parts: ParticipantRow[];
    readonly escrows: Map<number, EscrowData>;
    readonly escrowed: bigint[];
    epoch: [number, 0 | 1];
    /** By position: the values the step replaced. */
    readonly undo: Undo[];
    /** By position: the epoch after the step. */
    readonly epochAfter: number[];
    /** Position of the last step applied (−1: genesis). */
    at: number;
  }

  function apply(live: Live, position: number, record: boolean): void {
    const d = live.run.deltas[position] as Delta | 0;
    const undo: Undo = { b: [], p: [], e: [], ep: undefined };
    if (d !== 0) {
      const b = d.b ?? [];
      for (let i = 0; i < b.length; i += 2) {
        const account = b[i] as number;
        if (record) undo.b.push([account, live.bank[account]]);
        live.bank[account] = big(b[i + 1] as Amount);
      }
      const p = d.p ?? [];
      for (let i = 0; i < p.length; i += 3) {
        const row = live.parts[p[i] as number] as unknown[];
        const field = p[i + 1] as number;
        if (record) undo.p.push([p[i] as number, field, row[field]]);
        row[field] = p[i + 2];
      }
      for (const [id, escrow] of d.e ?? []) {
        if (record) undo.e.push([id, live.escrows.get(id)]);
        if (escrow === null) live.escrows.delete(id);
        else live.escrows.set(id, escrow);
      }
      const h = d.h ?? [];
      for (let i = 0; i < h.length; i += 2) live.escrowed[h[i] as number] += big(h[i + 1] as Amount);
      if (d.ep !== undefined) {
        if (record) undo.ep = live.epoch;
        live.epoch = d.ep;
      }
    }
    if (record) {
      live.undo.push(undo);
      live.epochAfter.push(live.epoch[0]);
    }
    live.at = position;
  }

  function revert(live: Live, position: number): void {
    const d = live.run.deltas[position] as Delta | 0;
    const undo = live.undo[position];
    if (d !== 0) {
      for (let i = undo.b.length - 1; i >= 0; i--) live.bank[undo.b[i][0]] = undo.b[i][1];
      for (let i = undo.p.length - 1; i >= 0; i--) (live.parts[undo.p[i][0]] as unknown[])[undo.p[i][1]] = undo.p[i][2];
      for (let i = undo.e.length - 1; i >= 0; i--) {
        const [id, escrow] = undo.e[i];
        if (escrow === undefined) live.escrows.delete(id);
        else live.escrows.set(id, escrow);
      }
      const h = d.h ?? [];
      for (let i = 0; i < h.length; i += 2) live.escrowed[h[i] as number] -= big(h[i + 1] as Amount);
      if (undo.ep !== undefined) live.epoch = undo.ep;
    }
    live.at = position - 1;
  }

  function moveTo(live: Live, position: number): void {
    while (live.at < position) apply(live, live.at + 1, false);
    while (live.at > position) revert(live, live.at);
  }

  /**
   * An account's holdings, as the engine's holdingsOf computes them: [liquid, owed, claimable,
   * escrowed, vesting] — the bank balance, coin_balance, the settle amount (work + reward), the
   * escrowed coins, the vesting schedule's sum.
   */
  function holdingsOf(bank: readonly bigint[], parts: readonly ParticipantRow[], escrowed: readonly bigint[], account: number): bigint[] {
    const p = participantOf.get(account);
    const row = p === undefined ? undefined : parts[p];
    const settle = row?.[7] ?? null;
    return [
      bank[account],
      row === undefined ? 0n : big(row[2]),
      settle === null ? 0n : big(settle[1]) + big(settle[2]),
      escrowed[account],
      (row?.[8] ?? []).reduce((sum: bigint, a) => sum + big(a), 0n),
    ];
  }

  /** The accounts (not modules) whose holdings the step at `position` changed: before and after. */
  function holdingChanges(live: Live, position: number): Map<number, [bigint[], bigint[]]> {
    const d = live.run.deltas[position] as Delta | 0;
    const touched = new Set<number>();
    if (d !== 0) {
      const b = d.b ?? [];
      for (let i = 0; i < b.length; i += 2) touched.add(b[i] as number);
      const p = d.p ?? [];
      for (let i = 0; i < p.length; i += 3) touched.add(data.participantAccount[p[i] as number]);
      const h = d.h ?? [];
      for (let i = 0; i < h.length; i += 2) touched.add(h[i] as number);
    }
    const accounts = [...touched].filter((a) => !moduleSet.has(a)).sort((a, b) => a - b);
    const at = live.at;
    moveTo(live, position);
    const after = accounts.map((a) => holdingsOf(live.bank, live.parts, live.escrowed, a));
    moveTo(live, position - 1);
    const before = accounts.map((a) => holdingsOf(live.bank, live.parts, live.escrowed, a));
    moveTo(live, at);
    const out = new Map<number, [bigint[], bigint[]]>();
    accounts.forEach((a, i) => {
      if (before[i].some((v, k) => v !== after[i][k])) out.set(a, [before[i], after[i]]);
    });
    return out;
  }

  const lives: Live[] = data.runs.map((run) => {
    const g = run.genesis;
    const live: Live = {
      run,
      bank: g.bank.map(big),
      parts: g.participants.map((row) => [...row] as ParticipantRow),
      escrows: new Map(),
      escrowed: g.escrowed.map(big),
      epoch: g.epoch,
      undo: [],
      epochAfter: [],
      at: -1,
    };
    for (let i = 0; i < COUNT; i++) apply(live, i, true);
    return live;
  });

  // -------------------------------------------------------------------------------------------
  // Selection

  let selected = 0;
  let showAll = false;
  const hashStep = /^#step=(\d+)$/.exec(location.hash);
  if (hashStep !== null) selected = Math.min(COUNT, Math.max(1, Number(hashStep[1]))) - 1;
  else if (data.divergence !== null) selected = data.divergence.position;

  function select(position: number, focusRow = false): void {
    if (COUNT === 0) return;
    selected = Math.min(COUNT - 1, Math.max(0, position));
    for (const live of lives) moveTo(live, selected);
    renderTimeline(focusRow);
    renderState();
    renderFlows();
    renderExplain();
    markCharts();
    const outcome = lives.map((l) => `${several ? `${l.run.rules}: ` : ''}${statusWords(l.run.status[selected])}`).join('; ');
    byId('announce').textContent = `Step ${selected + 1} of ${COUNT}, ${eventOf(selected)}: ${outcome}`;
    try {
      history.replaceState(null, '', `#step=${selected + 1}`);
    } catch {
      // (a browser that refuses it for file:// pages keeps the old address)
    }
  }

  // -------------------------------------------------------------------------------------------
  // The timeline

  const STATUS_WORDS = ['ok', 'failed, as expected', 'not as expected', 'checkpoint holds', 'checkpoint fails'];
  const STATUS_MARK = ['✓', '✓', '✗', '✓', '✗'];
  const statusWords = (s: number): string => STATUS_WORDS[s];

  function detailHtml(status: number, detail: StepDetail | undefined): string {
    const out: string[] = [`<span class="status s${status}"><span aria-hidden="true">${STATUS_MARK[status]}</span> ${STATUS_WORDS[status]}</span>`];
    if (detail === undefined) return out.join('');
    if (detail.error !== undefined) out.push(`<span class="error">error${detail.code === undefined ? '' : ` <code>${esc(detail.code)}</code>`}: ${esc(detail.error)}</span>`);
    if (detail.result !== undefined) out.push(`<span class="result">result: ${esc(detail.result)}</span>`);
    if (detail.problem !== undefined) out.push(`<span class="problem">${esc(detail.problem)}</span>`);
    for (const [field, expected, actual] of detail.failures ?? []) out.push(`<span class="problem">${esc(field)}: expected ${esc(expected)}, actual ${esc(actual)}</span>`);
    for (const [invariant, message] of detail.violations ?? []) out.push(`<span class="problem">invariant ${esc(invariant)} violated: ${esc(message)}</span>`);
    for (const [amount, message] of detail.divergences ?? []) out.push(`<span class="known">known divergence, ${esc(gonka(big(amount)))} gonka: ${esc(message)}</span>`);
    if (detail.note !== undefined) out.push(`<span class="note">note: ${esc(detail.note)}</span>`);
    return out.join('');
  }

  let shownPage = -1;

  function renderTimeline(focusRow: boolean): void {
    const page = Math.floor(selected / PAGE);
    const box = byId('timeline');
    if (page !== shownPage) {
      shownPage = page;
      const from = page * PAGE;
      const to = Math.min(COUNT, from + PAGE);
      const runHeads = lives.map((l) => `<th scope="col">${several ? `under ${esc(l.run.rules)}` : 'outcome'}</th>`).join('');
      const rows: string[] = [];
      for (let i = from; i < to; i++) {
        const first = data.divergence?.position === i ? ' <span class="badge">◆ first divergence</span>' : '';
        const cells = lives.map((l) => `<td>${detailHtml(l.run.status[i], l.run.detail[i])}</td>`).join('');
        const bad = lives.some((l) => l.run.status[i] === 2 || l.run.status[i] === 4) ? ' bad' : '';
        rows.push(
          `<tr id="step-${i + 1}" data-position="${i}" class="step${bad}" aria-selected="false">` +
            `<th scope="row"><span class="marker" aria-hidden="true"></span>${i + 1}${first}</th><td class="num">${data.lines[i]}</td>` +
            `<td class="num">${lives[0].epochAfter[i]}</td><td><code>${esc(eventOf(i))}</code></td>${cells}</tr>`,
        );
      }
      const pager =
        COUNT > PAGE
          ? `<div class="pager"><button type="button" data-page="${page - 1}"${page === 0 ? ' disabled' : ''}>◀ previous ${PAGE}</button>` +
            ` <span>steps ${from + 1}–${to} of ${COUNT}</span> ` +
            `<button type="button" data-page="${page + 1}"${to >= COUNT ? ' disabled' : ''}>next ${PAGE} ▶</button>` +
            ` <label>go to step <input type="number" id="goto-step" min="1" max="${COUNT}" value="${selected + 1}"></label>` +
            ` <button type="button" id="goto-button">go</button></div>`
          : '';
      box.innerHTML =
        `${pager}<div class="scroll" id="timeline-scroll" tabindex="0" aria-describedby="timeline-help" aria-label="Steps ${from + 1} to ${to}: the selected step is marked with ▶">` +
        `<table class="timeline"><caption class="visually-hidden">The steps of the replay; epoch is the effective epoch after the step.</caption>` +
        `<thead><tr><th scope="col">step</th><th scope="col">line</th><th scope="col">epoch</th><th scope="col">event</th>${runHeads}</tr></thead>` +
        `<tbody>${rows.join('')}</tbody></table></div>`;
    }
    for (const row of Array.from(box.querySelectorAll<HTMLTableRowElement>('tr.step'))) {
      const on = Number(row.dataset.position) === selected;
      row.setAttribute('aria-selected', on ? 'true' : 'false');
      row.classList.toggle('selected', on);
      const marker = row.querySelector('.marker');
      if (marker !== null) marker.textContent = on ? '▶ ' : '';
      if (on) {
        // bring the row into the timeline's own view; the page itself does not move
        const scroll = byId('timeline-scroll');
        const r = row.getBoundingClientRect();
        const b = scroll.getBoundingClientRect();
        const head = scroll.querySelector('thead')?.getBoundingClientRect().height ?? 0;
        if (r.top < b.top + head) scroll.scrollTop -= b.top + head - r.top;
        else if (r.bottom > b.bottom) scroll.scrollTop += r.bottom - b.bottom;
        if (focusRow) scroll.focus({ preventScroll: true });
      }
    }
  }

  byId('timeline').addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    const button = target.closest('button');
    if (button !== null) {
      if (button.dataset.page !== undefined) select(Number(button.dataset.page) * PAGE, true);
      else if (button.id === 'goto-button') select(Number((byId('goto-step') as HTMLInputElement).value) - 1, true);
      return;
    }
    const row = target.closest<HTMLTableRowElement>('tr.step');
    if (row !== null) select(Number(row.dataset.position), true);
  });
  byId('timeline').addEventListener('keydown', (event) => {
    if ((event.target as HTMLElement).id === 'goto-step' && event.key === 'Enter') select(Number((event.target as HTMLInputElement).value) - 1, true);
  });
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('button.goto'))) {
    button.addEventListener('click', () => select(Number(button.dataset.position), true));
  }

  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    if (target.closest('input, select, textarea') !== null || event.altKey || event.ctrlKey || event.metaKey) return;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: PAGE, PageUp: -PAGE };
    let to: number;
    if (event.key in moves) to = selected + (moves[event.key] as number);
    else if (event.key === 'Home') to = 0;
    else if (event.key === 'End') to = COUNT - 1;
    else return;
    event.preventDefault();
    select(to, true);
  });

  // -------------------------------------------------------------------------------------------
  // The state after the selected step

  interface Cell {
    readonly text: string;
    /** The exact value (ngonka digits, a status, a number): what rulesets are compared on, and what tests read. */
    readonly value: string;
    readonly field: string;
    readonly num?: boolean;
  }
  interface Row {
    readonly key: string;
    readonly head: string;
    readonly cells: Cell[];
    readonly changed: string;
  }
  interface Table {
    readonly id: string;
    readonly title: string;
    readonly columns: string[];
    readonly rows: Row[];
    /** Rows not listed at all (an escrow table of a long run lists the open and changed ones). */
    readonly hidden?: number;
  }

  const money = (field: string, n: bigint): Cell => ({ text: gonka(n), value: n.toString(), field, num: true });
  const counted = (field: string, n: number): Cell => ({ text: String(n), value: String(n), field, num: true });

  function stateTables(live: Live, position: number): Table[] {
    const undo = live.undo[position];
    const tables: Table[] = [];
    // holdings
    const holdingsChanged = new Map<number, string>();
    for (const [account, [before, after]] of holdingChanges(live, position)) {
      const words = after.flatMap((v, k) => (v === before[k] ? [] : [`${BUCKET_NAMES[k]} ${signed(v - before[k])}`]));
      holdingsChanged.set(account, words.join(', '));
    }
    const oldBank = new Map(undo.b);
    const buckets = vestingWorld ? 5 : 4;
    tables.push({
      id: 'holdings',
      title: 'Holdings (gonka): where each account’s coins are',
      columns: ['account', ...BUCKET_NAMES.slice(0, buckets), 'total', 'changed by this step'],
      rows: holders.map((a) => {
        const values = holdingsOf(live.bank, live.parts, live.escrowed, a).slice(0, buckets);
        return {
          key: data.accounts[a],
          head: data.accounts[a],
          cells: [...values.map((v, i) => money(BUCKET_NAMES[i], v)), money('total', values.reduce((x, y) => x + y, 0n))],
          changed: holdingsChanged.get(a) ?? '',
        };
      }),
    });
    tables.push({
      id: 'bank',
      title: 'Bank balances',
      columns: ['account', 'ngonka', 'gonka', 'changed by this step'],
      rows: data.accounts.map((name, a) => {
        const was = oldBank.get(a);
        const n = live.bank[a];
        return {
          key: name,
          head: name,
          cells: [
            { text: group(n), value: n.toString(), field: 'bank', num: true },
            { text: gonka(n), value: n.toString(), field: 'gonka', num: true },
          ],
          changed: was === undefined ? '' : `${signed(n - was)} gonka (was ${gonka(was)})`,
        };
      }),
    });
    const fieldChanges = new Map<number, string[]>();
    for (const [p, field] of undo.p) fieldChanges.set(p, [...(fieldChanges.get(p) ?? []), PARTICIPANT_FIELDS[field]]);
    tables.push({
      id: 'ledgers',
      title: 'Participants’ ledgers (coin_balance is owed, in gonka)',
      columns: ['name', 'status', 'weight', 'coin_balance', 'earned_coins', 'inference_count', 'invalidated_inferences', 'missed_requests', 'changed by this step'],
      rows: live.parts.map((row, p) => ({
        key: data.participants[p],
        head: data.participants[p],
        cells: [
          { text: row[0], value: row[0], field: 'status' },
          { text: big(row[1]).toString(), value: big(row[1]).toString(), field: 'weight', num: true },
          money('coin_balance', big(row[2])),
          money('earned_coins', big(row[3])),
          counted('inference_count', row[4]),
          counted('invalidated_inferences', row[5]),
          counted('missed_requests', row[6]),
        ],
        changed: [...new Set(fieldChanges.get(p) ?? [])].join(', '),
      })),
    });
    const settleRows: Row[] = [];
    live.parts.forEach((row, p) => {
      const s = row[7];
      const changed = (fieldChanges.get(p) ?? []).includes('settle amount');
      if (s === null) {
        if (changed) settleRows.push({ key: data.participants[p], head: data.participants[p], cells: [{ text: 'none', value: 'null', field: 'settle' }], changed: 'removed (claimed, or swept)' });
        return;
      }
      settleRows.push({
        key: data.participants[p],
        head: data.participants[p],
        cells: [counted('epoch', s[0]), money('work_coins', big(s[1])), money('reward_coins', big(s[2])), money('total', big(s[1]) + big(s[2]))],
        changed: changed ? 'changed' : '',
      });
    });
    tables.push({ id: 'settle', title: 'Settle amounts (claimable, in gonka)', columns: ['name', 'epoch', 'work_coins', 'reward_coins', 'total', 'changed by this step'], rows: settleRows });
    const escrowChanged = new Set(undo.e.map(([id]) => id));
    const escrowRows: Row[] = [];
    let hiddenEscrows = 0;
    const ids = [...live.escrows.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const e = live.escrows.get(id) as EscrowData;
      const listed = showAll || ids.length <= ROWS || escrowChanged.has(id) || e[3] === 0;
      if (!listed) {
        hiddenEscrows++;
        continue;
      }
      escrowRows.push({
        key: String(id),
        head: `#${id}`,
        cells: [
          { text: data.accounts[e[0]], value: data.accounts[e[0]], field: 'creator' },
          money('amount', big(e[1])),
          counted('epoch', e[2]),
          { text: slotNames(e).join(', '), value: slotNames(e).join(','), field: 'slots' },
          { text: e[3] === 1 ? 'settled' : 'open', value: e[3] === 1 ? 'true' : 'false', field: 'settled' },
        ],
        changed: escrowChanged.has(id) ? (undo.e.find(([x]) => x === id)?.[1] === undefined ? 'created' : 'changed') : '',
      });
    }
    for (const [id, was] of undo.e) {
      if (!live.escrows.has(id) && was !== undefined) escrowRows.push({ key: String(id), head: `#${id}`, cells: [{ text: 'gone (pruned)', value: 'null', field: 'creator' }], changed: 'removed' });
    }
    tables.push({ id: 'escrows', title: 'Escrows (gonka)', columns: ['id', 'creator', 'amount', 'epoch', 'slots', 'state', 'changed by this step'], rows: escrowRows, hidden: hiddenEscrows });
    if (vestingWorld) {
      tables.push({
        id: 'vesting',
        title: 'Vesting schedules (gonka; entry 1 unlocks at the next epoch end)',
        columns: ['name', 'schedule', 'changed by this step'],
        rows: live.parts.flatMap((row, p) =>
          row[8].length === 0
            ? []
            : [{ key: data.participants[p], head: data.participants[p], cells: [{ text: row[8].map((a) => gonka(big(a))).join(', '), value: row[8].map((a) => big(a).toString()).join(','), field: 'vesting' }], changed: (fieldChanges.get(p) ?? []).includes('vesting') ? 'changed' : '' }],
        ),
      });
    }
    return tables;
  }

  const slotNames = (e: EscrowData): string[] => e[4].map((s) => (typeof s === 'number' ? data.participants[s] : s));
  const BUCKET_NAMES = ['liquid', 'owed', 'claimable', 'escrowed', 'vesting'];
  const PARTICIPANT_FIELDS = ['status', 'weight', 'coin_balance', 'earned_coins', 'inference_count', 'invalidated_inferences', 'missed_requests', 'settle amount', 'vesting'];

  function epochWords(epoch: [number, 0 | 1]): string {
    const [n, ended] = epoch;
    const last = ended === 1 ? n : n - 1;
    const list = Array.from({ length: Math.max(0, last) }, (_, i) => i + 1).join(', ') || 'none';
    return `Epoch ${n}${n === 0 ? ' (genesis)' : ended === 1 ? ' (ended; the next has not started)' : ' (running)'} · epochs ended: ${list}`;
  }

  function renderTable(table: Table, live: Live, others: Map<string, Map<string, string>>[]): string {
    const rows = table.rows;
    const many = !showAll && rows.length > ROWS;
    const listed = many ? [...rows.filter((r) => r.changed !== ''), ...rows.filter((r) => r.changed === '')].slice(0, ROWS) : rows;
    const body = listed
      .map((r) => {
        const cells = r.cells
          .map((c) => {
            const differs = others.some((o) => {
              const v = o.get(r.key)?.get(c.field);
              return v !== undefined && v !== c.value;
            });
            const mark = differs ? ' <span class="differs-mark" title="differs between rulesets">≠</span>' : '';
            return `<td class="${c.num === true ? 'num' : ''}${differs ? ' differs' : ''}" data-field="${esc(c.field)}" data-value="${esc(c.value)}">${esc(c.text)}${mark}</td>`;
          })
          .join('');
        const changed = r.changed === '' ? '<td class="change"></td>' : `<td class="change"><span class="changed-label">changed:</span> ${esc(r.changed)}</td>`;
        return `<tr data-key="${esc(r.key)}"${r.changed === '' ? '' : ' class="changed"'}><th scope="row">${esc(r.head)}</th>${cells}${changed}</tr>`;
      })
      .join('');
    const notes: string[] = [];
    if (rows.length === 0) notes.push('none');
    if (listed.length < rows.length) notes.push(`${rows.length - listed.length} more unchanged rows not shown`);
    if ((table.hidden ?? 0) > 0) notes.push(`${table.hidden} settled escrows not changed by this step not shown`);
    const more = listed.length < rows.length || (table.hidden ?? 0) > 0 ? ' <button type="button" class="show-all">show every row</button>' : '';
    const head = table.columns.map((c, i) => `<th scope="col"${i > 0 && i < table.columns.length - 1 ? ' class="num"' : ''}>${esc(c)}</th>`).join('');
    return (
      `<table class="state ${table.id}" data-table="${table.id}" data-rules="${esc(live.run.rules)}"><caption>${esc(table.title)}</caption>` +
      `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
      (notes.length > 0 || more !== '' ? `<p class="note">${esc(notes.join('; '))}${more}</p>` : '')
    );
  }

  function renderState(): void {
    const position = selected;
    const perRun = lives.map((live) => stateTables(live, position));
    const values = perRun.map((tables) => {
      const byTable = new Map<string, Map<string, Map<string, string>>>();
      for (const t of tables) byTable.set(t.id, new Map(t.rows.map((r) => [r.key, new Map(r.cells.map((c) => [c.field, c.value]))])));
      return byTable;
    });
    const columns = lives.map((live, i) => {
      const tables = perRun[i]
        .map((t) => renderTable(t, live, values.filter((_, j) => j !== i).map((v) => v.get(t.id) ?? new Map())))
        .join('');
      const title = several ? `<h3>under ${esc(live.run.rules)}</h3>` : '';
      return `<section class="run-state" data-rules="${esc(live.run.rules)}">${title}<p class="epoch">${esc(epochWords(live.epoch))}</p>${tables}</section>`;
    });
    byId('state-title').textContent = `State after step ${position + 1} (line ${data.lines[position]}, ${eventOf(position)})`;
    byId('state').innerHTML =
      `<p class="note">Rows this step changed are marked “changed” and listed first in long tables${several ? '; ≠ marks a value that differs between the rulesets' : ''}.</p>` +
      `<div class="runs">${columns.join('')}</div>`;
    for (const button of Array.from(byId('state').querySelectorAll<HTMLButtonElement>('button.show-all'))) {
      button.addEventListener('click', () => {
        showAll = true;
        renderState();
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Coin flows of the selected step

  interface Node {
    readonly label: string;
    readonly amount: bigint;
  }

  function flowsOf(live: Live, position: number): { from: Node[]; to: Node[] } {
    const d = live.run.deltas[position] as Delta | 0;
    const from: Node[] = [];
    const to: Node[] = [];
    if (d === 0) return { from, to };
    const put = (label: string, delta: bigint): void => {
      if (delta < 0n) from.push({ label, amount: -delta });
      else if (delta > 0n) to.push({ label, amount: delta });
    };
    for (const [account, [before, after]] of holdingChanges(live, position)) {
      after.forEach((v, k) => put(`${data.accounts[account]} · ${BUCKET_NAMES[k]}`, v - before[k]));
    }
    if (d.m !== undefined && big(d.m) !== 0n) from.unshift({ label: 'minted (new coins)', amount: big(d.m) });
    const sum = (nodes: Node[]): bigint => nodes.reduce((s, n) => s + n.amount, 0n);
    const gap = sum(from) - sum(to);
    if (gap > 0n) to.push({ label: 'inference module, no owner', amount: gap });
    if (gap < 0n) from.push({ label: 'inference module, no owner', amount: -gap });
    return { from, to };
  }

  function flowSvg(live: Live, position: number, id: string): string {
    const { from, to } = flowsOf(live, position);
    const W = 660;
    const COL = 210;
    const GAP = 8;
    const MIN = 30;
    const title = `Coin flows of step ${position + 1} (${eventOf(position)})${several ? ` under ${live.run.rules}` : ''}`;
    if (from.length === 0 && to.length === 0) {
      const why = live.run.status[position] === 1 || live.run.status[position] === 2 ? 'The transaction failed: a failed transaction changes nothing.' : 'No coins moved in this step.';
      return `<svg class="flow" id="${id}" role="img" aria-labelledby="${id}-title" width="${W}" height="40" viewBox="0 0 ${W} 40"><title id="${id}-title">${esc(title)}</title><text x="8" y="24">${esc(why)}</text></svg>`;
    }
    const total = [...from, ...to].reduce((m, n) => (n.amount > m ? n.amount : m), 0n);
    const side = (nodes: Node[]): number => nodes.reduce((s, n) => s + size(n), 0) + GAP * Math.max(0, nodes.length - 1);
    // heights: at least MIN, else in proportion to the largest flow (log-free: amounts are compared as they are)
    const size = (n: Node): number => Math.max(MIN, Math.round((Number(n.amount * 1000n / (total === 0n ? 1n : total)) / 1000) * 90));
    const height = Math.max(side(from), side(to), 60) + 40;
    const hubH = Math.max(40, Math.min(height - 40, Math.max(side(from), side(to))));
    const hubY = (height - hubH) / 2;
    const hubX = W / 2 - 45;
    const parts: string[] = [];
    const stroke = (n: Node): number => Math.max(2, Math.round((Number(n.amount * 1000n / (total === 0n ? 1n : total)) / 1000) * 24));
    const column = (nodes: Node[], x: number, left: boolean): void => {
      let y = (height - side(nodes)) / 2;
      for (const n of nodes) {
        const h = size(n);
        const midY = y + h / 2;
        const edge = left ? x + COL : x;
        const hubEdge = left ? hubX : hubX + 90;
        const c1 = left ? edge + 50 : edge - 50;
        const c2 = left ? hubEdge - 50 : hubEdge + 50;
        parts.push(`<path class="link ${left ? 'out' : 'in'}" d="M${edge},${midY} C${c1},${midY} ${c2},${height / 2} ${hubEdge},${height / 2}" stroke-width="${stroke(n)}"><title>${esc(n.label)} ${left ? '−' : '+'}${esc(gonka(n.amount))} gonka</title></path>`);
        parts.push(
          `<g class="node ${left ? 'source' : 'sink'}" data-label="${esc(n.label)}" data-amount="${left ? '-' : ''}${n.amount}">` +
            `<rect x="${x}" y="${y}" width="${COL}" height="${h}" rx="4"></rect>` +
            `<text x="${x + 8}" y="${midY - 3}">${esc(n.label)}</text>` +
            `<text class="amount" x="${x + 8}" y="${midY + 12}">${left ? '−' : '+'}${esc(gonka(n.amount))} gonka</text></g>`,
        );
        y += h + GAP;
      }
    };
    column(from, 0, true);
    column(to, W - COL, false);
    parts.push(
      `<g class="hub"><rect x="${hubX}" y="${hubY}" width="90" height="${hubH}" rx="6"></rect>` +
        `<text x="${hubX + 45}" y="${height / 2 - 4}" text-anchor="middle">step ${position + 1}</text>` +
        `<text x="${hubX + 45}" y="${height / 2 + 12}" text-anchor="middle" class="small">${esc(eventOf(position))}</text></g>`,
    );
    return (
      `<svg class="flow" id="${id}" role="img" aria-labelledby="${id}-title" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}">` +
      `<title id="${id}-title">${esc(title)}: from ${esc(from.map((n) => `${n.label} ${gonka(n.amount)}`).join(', ') || 'nothing')} to ${esc(to.map((n) => `${n.label} ${gonka(n.amount)}`).join(', ') || 'nothing')} gonka</title>` +
      `${parts.join('')}</svg>`
    );
  }

  function renderFlows(): void {
    const position = selected;
    byId('flow-title').textContent = `Coin flows of step ${position + 1}`;
    const blocks = lives.map((live, i) => {
      const { from, to } = flowsOf(live, position);
      const list = (nodes: Node[], sign: string): string => nodes.map((n) => `<li>${esc(n.label)} ${sign}${esc(gonka(n.amount))} gonka</li>`).join('');
      const lists =
        from.length + to.length === 0
          ? ''
          : `<div class="flow-lists"><div><h4>Less</h4><ul>${list(from, '−')}</ul></div><div><h4>More</h4><ul>${list(to, '+')}</ul></div></div>`;
      return `<section class="run-flow" data-rules="${esc(live.run.rules)}">${several ? `<h3>under ${esc(live.run.rules)}</h3>` : ''}${flowSvg(live, position, `flow-${i}`)}${lists}</section>`;
    });
    byId('flow').innerHTML =
      '<p class="note">What the step moved between accounts and buckets (liquid is the bank balance; owed, claimable, escrowed and vesting are held by a module for the account). Left: what has less after the step; right: what has more.</p>' +
      `<div class="runs">${blocks.join('')}</div>`;
  }

  // -------------------------------------------------------------------------------------------
  // Explanation

  function renderExplain(): void {
    const position = selected;
    byId('explain').innerHTML = lives
      .map((live) => {
        const text = live.run.explain[position];
        const title = several ? `<h3>under ${esc(live.run.rules)}</h3>` : '';
        const body =
          text !== undefined
            ? `<pre class="explain">${esc(text)}</pre>`
            : `<p class="note">The page explains the first ${data.explained} steps${data.divergence === null ? '' : ' and the first divergence'}; <code>${esc(`${data.explainCommand} --rules ${live.run.rules} --step ${position + 1}`)}</code> explains this one.</p>`;
        return `<section class="run-explain" data-rules="${esc(live.run.rules)}">${title}${body}</section>`;
      })
      .join('');
  }

  // -------------------------------------------------------------------------------------------
  // Charts

  const COLOURS = ['#009E73', '#E69F00', '#0072B2', '#888888', '#CC79A7'];
  const MAX_POINTS = 1500;
  const stride = Math.max(1, Math.ceil(COUNT / MAX_POINTS));

  interface Series {
    /** Step after which each point is (0: genesis). */
    readonly xs: number[];
    /** By bucket (liquid, owed, claimable, escrowed, vesting): gonka. */
    readonly own: number[][];
    /** Epoch starts and ends: [step, epoch, 1 when it ended]. */
    readonly marks: [number, number, 0 | 1][];
  }

  /** The holdings of one account (or all of them: −1) after every `stride`-th step, and the last. */
  function seriesOf(run: RunData, account: number): Series {
    const g = run.genesis;
    const bank = g.bank.map(big);
    const parts = g.participants.map((row) => [...row] as ParticipantRow);
    const escrowed = g.escrowed.map(big);
    const values = (): bigint[] => {
      const sums = [0n, 0n, 0n, 0n, 0n];
      for (const a of account === -1 ? holders : [account]) holdingsOf(bank, parts, escrowed, a).forEach((v, k) => (sums[k] += v));
      return sums;
    };
    const xs = [0];
    const own: number[][] = values().map((v) => [Number(v) / 1e9]);
    const marks: [number, number, 0 | 1][] = [];
    for (let i = 0; i < COUNT; i++) {
      const d = run.deltas[i] as Delta | 0;
      if (d !== 0) {
        const b = d.b ?? [];
        for (let k = 0; k < b.length; k += 2) bank[b[k] as number] = big(b[k + 1] as Amount);
        const p = d.p ?? [];
        for (let k = 0; k < p.length; k += 3) (parts[p[k] as number] as unknown[])[p[k + 1] as number] = p[k + 2];
        const h = d.h ?? [];
        for (let k = 0; k < h.length; k += 2) escrowed[h[k] as number] += big(h[k + 1] as Amount);
        if (d.ep !== undefined) marks.push([i + 1, d.ep[0], d.ep[1]]);
      }
      if ((i + 1) % stride === 0 || i === COUNT - 1) {
        xs.push(i + 1);
        values().forEach((v, k) => own[k].push(Number(v) / 1e9));
      }
    }
    return { xs, own, marks };
  }

  const charts: UPlotChart[] = [];
  /** The step of each point of a chart. */
  const chartSteps = new Map<UPlotChart, number[]>();

  /** Redraws the charts' selected-step line, and shows the values at that step in their legends. */
  function markCharts(): void {
    for (const u of charts) {
      u.redraw(false, false);
      u.setLegend({});
    }
  }

  /** The chart's point of the selected step: the last at or before it (every step's, unless the chart is thinned out). */
  function selectedPoint(u: UPlotChart): number {
    const xs = chartSteps.get(u) ?? [];
    let i = Math.min(xs.length - 1, Math.floor((selected + 1) / stride));
    while (i > 0 && xs[i] > selected + 1) i--;
    return i;
  }
  const chartBuckets = vestingWorld ? 5 : 4;

  function chart(target: HTMLElement, series: Series, width: number, live: Live): void {
    const own = series.own.slice(0, chartBuckets);
    // stacked: each series is its bucket plus the ones below it, drawn from the top down so the lower ones paint over
    const stacked = own.map((_, k) => series.xs.map((__, i) => own.slice(0, k + 1).reduce((s, b) => s + b[i], 0)));
    const order = own.map((_, k) => k).reverse();
    const opts: import('uplot').Options = {
      width,
      height: 200,
      // stacked amounts read from 0: an axis that starts higher would misstate them
      scales: { x: { time: false }, y: { range: (_u: UPlotChart, _min: number, max: number): [number, number] => [0, max > 0 ? max * 1.05 : 1] } },
      // steps are whole numbers: ticks only at whole steps
      axes: [{ label: 'step', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6] }, { label: 'gonka', size: 70 }],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      series: [
        // away from the pointer, the legend gives the values at the selected step
        { label: 'step', value: (u: UPlotChart, v: number | null, _s: number, i: number | null) => String(i === null ? series.xs[selectedPoint(u)] : v) },
        ...order.map((k) => ({
          label: BUCKET_NAMES[k],
          stroke: COLOURS[k],
          fill: COLOURS[k],
          width: 1,
          points: { show: false },
          // holdings change at a step and hold until the next: a step line, not a slope
          paths: uPlot.paths.stepped?.({ align: 1 }),
          value: (u: UPlotChart, _v: number | null, _s: number, i: number | null) => String(own[k][i ?? selectedPoint(u)]),
        })),
      ],
      hooks: {
        draw: [
          (u: UPlotChart) => {
            const ctx = u.ctx;
            const ratio = window.devicePixelRatio || 1;
            const top = u.bbox.top;
            const bottom = u.bbox.top + u.bbox.height;
            ctx.save();
            ctx.font = `${11 * ratio}px system-ui, sans-serif`;
            const lastLabel = [-Infinity, -Infinity];
            series.marks.forEach(([step, epoch, ended], n) => {
              const x = u.valToPos(step, 'x', true);
              ctx.strokeStyle = '#444';
              ctx.lineWidth = ratio;
              ctx.setLineDash(ended === 1 ? [4 * ratio, 3 * ratio] : []);
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, bottom);
              ctx.stroke();
              ctx.fillStyle = '#222';
              // labels on two rows, so that an epoch's end and the next start do not overwrite each other
              // (and only where there is room: many epochs get their lines, not all their labels)
              const row = n % 2;
              if (x - (lastLabel[row] as number) < 50 * ratio) return;
              lastLabel[row] = x;
              ctx.fillText(ended === 1 ? `end ${epoch}` : `epoch ${epoch}`, x + 3 * ratio, top + (row === 0 ? 12 : 25) * ratio);
            });
            const x = u.valToPos(live.at + 1, 'x', true);
            ctx.setLineDash([]);
            ctx.strokeStyle = '#000';
            ctx.lineWidth = 3 * ratio;
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, bottom);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    const u = new uPlot(opts, [series.xs, ...order.map((k) => stacked[k])], target);
    chartSteps.set(u, series.xs);
    u.over.addEventListener('click', () => {
      const i = u.cursor.idx;
      if (i !== null && i !== undefined) select(Math.max(0, series.xs[i] - 1), true);
    });
    charts.push(u);
  }

  function renderCharts(): void {
    const box = byId('charts');
    const sampled = stride > 1 ? ` One point per ${stride} steps: the holdings after the last step of each group.` : '';
    const legend =
      `<p class="note">Each account's coins after every step, stacked from the bottom: ${BUCKET_NAMES.slice(0, chartBuckets).join(', ')} (the legend names each colour and gives its value under the pointer). ` +
      `Solid vertical lines mark the start of an epoch, dashed ones its end; the thick line is the selected step. Click a chart to select the step under the pointer.${sampled}</p>`;
    const one = (account: number): string => (account === -1 ? 'all accounts' : data.accounts[account]);
    const width = several ? 420 : holders.length <= 8 ? 320 : 860;
    /** One chart per ruleset of `account`'s holdings (−1: all accounts), each in a captioned figure, into `row`. */
    const draw = (row: HTMLElement, account: number): void => {
      for (const live of lives) {
        const figure = document.createElement('figure');
        figure.className = 'chart';
        figure.dataset.account = one(account);
        figure.dataset.rules = live.run.rules;
        const caption = document.createElement('figcaption');
        caption.textContent = `${one(account)}${several ? ` under ${live.run.rules}` : ''}`;
        figure.append(caption);
        row.append(figure);
        chart(figure, seriesOf(live.run, account), width, live);
      }
    };
    if (holders.length <= 8) {
      // one row per account with several rulesets (side by side), else one grid of every account
      const rows = several ? holders : [-2];
      box.innerHTML = legend + rows.map((a) => `<div class="chart-row"${a >= 0 ? ` data-account="${esc(data.accounts[a])}"` : ''}></div>`).join('');
      holders.forEach((a, n) => draw(box.querySelectorAll<HTMLElement>('.chart-row')[several ? n : 0], a));
      return;
    }
    const options = [-1, ...holders].map((a) => `<option value="${a}">${esc(one(a))}</option>`).join('');
    box.innerHTML = `${legend}<label>Account <select id="chart-account">${options}</select></label><div class="chart-row" id="chart-one"></div>`;
    const redraw = (account: number): void => {
      const row = byId('chart-one');
      for (const c of charts.splice(0)) c.destroy();
      row.textContent = '';
      draw(row, account);
    };
    const choice = byId('chart-account') as HTMLSelectElement;
    choice.addEventListener('change', () => redraw(Number(choice.value)));
    redraw(-1);
  }

  // -------------------------------------------------------------------------------------------

  if (COUNT === 0) {
    byId('timeline').innerHTML = '<p>The scenario has no events.</p>';
    return;
  }
  for (const live of lives) moveTo(live, selected);
  renderCharts();
  select(selected);
})();
