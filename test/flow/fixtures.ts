/** Flow texts and helpers shared by the flow tests. */
import assert from 'node:assert/strict';
import type { SoundLibrary } from '../../src/ports/sounds.ts';
import type { Diagnostic } from '../../src/core/flow/diagnostics.ts';
import { parseFlowText } from '../../src/core/flow/loader.ts';
import type { LoadedFlow } from '../../src/core/flow/loader.ts';

/** A realistic flow that uses every step kind; valid against the schema and all checks. */
export const SUPPORT_FLOW = `id: support-line
name: Acme support line
description: Main inbound line
numbers: ["+18005550100", "100"]
start: welcome
vars:
  crm_url: "http://127.0.0.1:8080/demo/crm"
  tier: standard
steps:
  welcome:
    type: play
    prompt: [welcome, recorded-notice]
    on: { done: record-call }
  lookup:
    type: http
    method: POST
    url: "\${vars.crm_url}/lookup"
    headers: { X-Caller: "\${call.from}" }
    body: { from: "\${call.from}", tags: [ivr] }
    timeout: 2s
    into: customer
    on: { done: route, error: check-hours }
  route:
    type: branch
    cases:
      - when: { var: tier, eq: gold }
        goto: vip
      - when: { any: [ { value: "\${call.from}", matches: "^\\\\+1800" }, { not: { var: vip, exists: false } } ] }
        goto: vip
      - when: { all: [ { var: balance, gt: 100 }, { var: region, in: [us, ca] } ] }
        goto: check-hours
    on: { otherwise: check-hours }
  vip:
    type: transfer
    to: "+18005550199"
    prompt: { say: "Connecting you to your account manager" }
    on: { error: check-hours }
  check-hours:
    type: hours
    timezone: America/New_York
    weekly: { mon-fri: "08:00-20:00", sat: ["09:00-12:00", "13:00-17:00"] }
    holidays: ["2026-12-25", { date: "2027-01-01", name: New Year }]
    on: { open: main-menu, closed: closed, holiday: closed }
  main-menu:
    type: menu
    prompt: main-menu
    options:
      "1": billing
      "2": { goto: support, say: [technical support, internet] }
      "0": operator
    repeatKey: "9"
    timeout: 5s
    retries: 2
    noInputPrompt: no-input
    noMatchPrompt: no-match
    bargeIn: true
    speech: { language: en-US, minConfidence: 0.6 }
    into: choice
    on: { noInput: operator, noMatch: operator }
  billing:
    type: group
    start: account
    on: { error: operator }
    steps:
      account:
        type: gather
        prompt: [{ say: "Enter your account number" }, beep]
        into: account
        minDigits: 4
        maxDigits: 10
        terminator: "#"
        timeout: 5
        interDigitTimeout: 3s
        pattern: "^[0-9]+$"
        retries: 1
        noInputPrompt: no-input
        invalidPrompt: no-match
        secure: true
        on: { done: balance, noInput: operator, invalid: operator }
      balance:
        type: set
        vars: { account_seen: true, greeting: "Hello \${vars.customer.name}" }
        on: { done: read-balance }
      read-balance:
        type: play
        prompt:
          - { say: "Your balance is", voice: en-US-Standard-C }
          - { number: "\${vars.customer.balance}" }
          - { digits: "\${vars.account}" }
          - { tone: beep }
          - { sound: thanks }
        bargeIn: false
        on: { done: goodbye }
  support:
    type: subflow
    flow: troubleshoot
    sensitive: false
    on: { done: goodbye, error: operator }
  operator:
    type: queue
    queue: support
    maxWait: 2m
    prompt: hold-music
    callback: { after: 30s, key: "1", goto: keep-place }
    on: { done: goodbye, timeout: voicemail, error: voicemail }
  keep-place:
    type: callback
    action: keep-place
    on: { done: goodbye, error: operator }
  voicemail:
    type: voicemail
    prompt: leave-message
    mailbox: support
    maxLength: 120s
    beep: true
    on: { done: goodbye }
  closed:
    type: play
    prompt: closed
    on: { done: book-callback }
  book-callback:
    type: callback
    action: book
    queue: support
    on: { done: goodbye, full: voicemail, error: voicemail }
  goodbye:
    type: hangup
    prompt: goodbye
    cause: normal
  record-call:
    type: record
    action: start
    on: { done: lookup }
`;

/** The subflow `support-line` runs. */
export const TROUBLESHOOT_FLOW = `id: troubleshoot
start: ask
steps:
  ask:
    type: menu
    prompt: { say: "Press 1 if you rebooted" }
    options: { "1": fixed }
    on: { noInput: give-up, noMatch: give-up }
  fixed:
    type: return
  give-up:
    type: return
    outcome: error
`;

/** Sounds both fixtures use. */
export const SOUND_NAMES = [
  'welcome', 'recorded-notice', 'main-menu', 'no-input', 'no-match', 'beep', 'thanks', 'hold-music',
  'leave-message', 'closed', 'goodbye', 'billing-intro',
  // played by `callback` steps and the queue step's offer
  'callback-keep-place', 'callback-number-is', 'callback-confirm-number', 'callback-enter-number', 'callback-number-denied',
  'callback-place-kept', 'callback-slots-intro', 'callback-booked', 'callback-no-slots',
];

/** A sound library over a fixed list of names. */
export function fakeSounds(names: string[] = SOUND_NAMES): SoundLibrary {
  return { has: (n) => names.includes(n), durationMs: (n) => (names.includes(n) ? 1000 : undefined), names: () => [...names] };
}

/** Parses a flow text that must be schema-valid. */
export function mustParse(text: string, file = 'flows/test.yaml'): LoadedFlow {
  const r = parseFlowText(text, file);
  if (!r.ok) assert.fail(`expected ${file} to parse:\n${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`);
  return r.flow;
}

/** Parses a flow text that must fail; returns its diagnostics. */
export function mustFail(text: string, file = 'flows/test.yaml'): Diagnostic[] {
  const r = parseFlowText(text, file);
  assert.equal(r.ok, false, 'expected the flow to be rejected');
  return r.ok ? [] : r.diagnostics;
}

/** The diagnostics with `code`. */
export function withCode(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** A minimal valid flow around the given `steps:` YAML block (indented by 2). */
export function flowWith(steps: string, head = 'id: t\nstart: a\n'): string {
  return `${head}steps:\n${steps}`;
}
