/**
 * The acceptance fixture for chat builds: valid examples with planted PII of every type, exact
 * and near duplicates, one record for every kind of invalid input, and blank lines. Every count
 * a build report must show is derived here from how the fixture was made.
 */
import { CONTEXT_SECRETS, PLANTED } from '../../sanitization/pii-fixtures.js';

const TOPICS = [
  'How do I reset my router when the status light keeps blinking orange after a firmware update?',
  'Can you explain the difference between a Roth IRA and a traditional IRA for someone in their thirties?',
  'What is the best way to store fresh basil so that it does not wilt within two days of buying it?',
  'My build fails with a missing peer dependency warning; which package manager flag silences it safely?',
  'Which documents do I need to renew a passport by mail, and how long does processing usually take?',
  'Summarise the plot of a heist movie where the crew plans to rob a casino vault during a boxing match.',
  'Why does my sourdough starter smell like nail polish remover, and should I throw it away or feed it?',
  'Give me a three day itinerary for Lisbon that includes tram rides, pastries and a day trip to Sintra.',
  'How should a small team split on-call duty fairly across time zones without burning anyone out?',
  'What stretches help with lower back pain after sitting at a desk for most of the working day?',
  'Explain how a heat pump can warm a house even when the outdoor temperature is below freezing.',
  'What are good questions to ask at the end of a job interview for a senior engineering role?',
] as const;

const ANSWERS = [
  'Unplug it for thirty seconds, plug it back in, then hold the reset pin for ten seconds until the light turns white.',
  'Roth contributions are taxed now and grow tax free; traditional ones are deducted now and taxed on withdrawal.',
  'Trim the stems, stand them in a glass of water like flowers, and keep them on the counter away from the sun.',
  'Prefer fixing the peer range; otherwise set the strict peer dependencies option to false in your npmrc file.',
  'You need the old passport, a recent photo and the renewal form; routine processing takes about six to eight weeks.',
  'A retired thief assembles eleven specialists, swaps the vault feed with a recording and leaves during the fight.',
  'That smell is acetone from a hungry starter; discard most of it and feed it twice a day for a few days.',
  'Day one Alfama and tram 28, day two Belem and its custard tarts, day three the palaces and gardens of Sintra.',
  'Use follow-the-sun rotations, cap pages per shift, and give comp time after any night that had an incident.',
  'Try cat-cow, child pose, knee-to-chest and a gentle hip flexor lunge, holding each for thirty seconds. Stand up every half hour, keep your screen at eye level so you do not hunch, and put both feet flat on the floor. If the pain spreads down a leg, or comes with numbness or weakness, see a doctor rather than stretching through it.',
  'It moves heat instead of making it: refrigerant absorbs warmth from cold air and releases it indoors when compressed. Even freezing air holds plenty of thermal energy, because absolute zero is far colder. Efficiency drops as it gets colder, so many systems carry a backup resistance heater for the coldest nights of the year.',
  'Ask what success looks like in six months, how decisions get made, and what the team would change if it could.',
] as const;

const chat = (user: string, assistant: string, system?: string): Record<string, unknown> => ({
  messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: user }, { role: 'assistant', content: assistant }],
});
const SYSTEM = 'You are a concise, friendly assistant.';
/** The plain record for topic i (every third one has a system prompt). */
const base = (i: number, user: string = TOPICS[i]!, assistant: string = ANSWERS[i]!): Record<string, unknown> => chat(user, assistant, i % 3 === 0 ? SYSTEM : undefined);

const secretsText = [...PLANTED.secret, ...CONTEXT_SECRETS.map((c) => c.text)].join(' ; ');

/** Valid, unique records (before sanitization), with the PII planted in them. */
export function validRecords(): Record<string, unknown>[] {
  const records = TOPICS.map((_, i) => base(i));
  // planted PII, spread over every kind of text field
  records[0] = chat(`${TOPICS[0]} Reach me at ${PLANTED.email[0]} or ${PLANTED.phone[0]}, or ${PLANTED.phone[2]}.`, ANSWERS[0]!);
  records[1] = chat(`${TOPICS[1]} My card is ${PLANTED.payment_card[0]} and IBAN ${PLANTED.iban[0]}.`, `${ANSWERS[1]} Never share ${PLANTED.payment_card[2]} again.`);
  records[2] = chat(`${TOPICS[2]} SSN ${PLANTED.us_ssn[0]}, from ${PLANTED.ip_address[0]} and ${PLANTED.ip_address[2]}.`, ANSWERS[2]!);
  records[3] = {
    messages: [
      { role: 'user', content: `${TOPICS[3]} Please email the log.` },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'send_email', arguments: JSON.stringify({ to: PLANTED.email[1], phone: PLANTED.phone[3], note: `IBAN ${PLANTED.iban[1]}` }) } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: `sent to ${PLANTED.email[1]}` },
      { role: 'assistant', content: ANSWERS[3] },
    ],
    tools: [{ type: 'function', function: { name: 'send_email', description: 'Sends an email.', parameters: { type: 'object', properties: { to: { type: 'string' } } } } }],
  };
  records[4] = chat(`${TOPICS[4]} Keys I found: ${secretsText}`, ANSWERS[4]!);
  records[5] = {
    messages: [
      { role: 'user', content: [{ type: 'text', text: `${TOPICS[5]} Call ${PLANTED.phone[1]} from ${PLANTED.ip_address[1]}.` }] },
      { role: 'assistant', content: ANSWERS[5] },
    ],
  };
  return records;
}

/** Findings the valid records carry, by type (each planted value counts once). */
export const EXPECTED_FINDINGS = {
  email: 3, // records 0 (1), 3 (arguments + tool result)
  phone: 4, // record 0 (2), record 3 (arguments), record 5 (1)
  payment_card: 2,
  iban: 2,
  us_ssn: 1,
  ip_address: 3,
  secret: 13, // 11 token-shaped (incl. a PEM block) + 2 context-bound
} as const;
export const RECORDS_WITH_FINDINGS = 6;

/** Every planted raw value; none may appear in a built file. */
export function plantedValues(): string[] {
  return [
    PLANTED.email[0],
    PLANTED.email[1],
    PLANTED.phone[0],
    PLANTED.phone[1],
    PLANTED.phone[2],
    PLANTED.phone[3],
    PLANTED.payment_card[0],
    PLANTED.payment_card[2],
    PLANTED.iban[0],
    PLANTED.iban[1],
    PLANTED.us_ssn[0],
    PLANTED.ip_address[0],
    PLANTED.ip_address[1],
    PLANTED.ip_address[2],
    ...PLANTED.secret,
    ...CONTEXT_SECRETS.map((c) => c.secret),
  ];
}

/** Exact duplicates of valid records (one differs only in case and whitespace). */
function exactDuplicates(valid: Record<string, unknown>[]): Record<string, unknown>[] {
  return [valid[6]!, valid[7]!, base(8, `  ${TOPICS[8]!.toUpperCase()}   `, ANSWERS[8]!.replace(/ /g, '  '))];
}

/** Near duplicates: one word changed in a long record. */
function nearDuplicates(): Record<string, unknown>[] {
  return [base(9, TOPICS[9], ANSWERS[9]!.replace('half hour', 'half-hour')), base(10, TOPICS[10]!.replace('a house', 'the house'))];
}

/** One line per kind of invalid record, with the reason the report must give. */
export const INVALID_LINES: readonly (readonly [reason: string, line: string])[] = [
  ['invalid_json', '{"messages": [ {"role": "user", "content": "unterminated'],
  ['invalid_json', 'this is not json at all'],
  ['data_type', '[1, 2, 3]'],
  ['missing_messages_list', JSON.stringify({ prompt: 'wrong format' })],
  ['unrecognized_key', JSON.stringify({ ...chat('extra top-level key here', 'answer'), metadata: { a: 1 } })],
  ['message_data_type', JSON.stringify({ messages: ['just a string', { role: 'assistant', content: 'x' }] })],
  ['message_missing_key', JSON.stringify({ messages: [{ role: 'user' }, { role: 'assistant', content: 'x' }] })],
  [
    'message_unrecognized_key',
    JSON.stringify({
      messages: [
        { role: 'user', content: 'hi', mood: 'happy' },
        { role: 'assistant', content: 'x' },
      ],
    }),
  ],
  [
    'unrecognized_role',
    JSON.stringify({
      messages: [
        { role: 'narrator', content: 'hi' },
        { role: 'assistant', content: 'x' },
      ],
    }),
  ],
  [
    'missing_content',
    JSON.stringify({
      messages: [
        { role: 'user', content: '' },
        { role: 'assistant', content: 'x' },
      ],
    }),
  ],
  [
    'invalid_tool_call',
    JSON.stringify({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f' } }] },
      ],
    }),
  ],
  [
    'example_missing_assistant_message',
    JSON.stringify({
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hi' },
      ],
    }),
  ],
  ['too_many_tokens', JSON.stringify(chat(`${'lorem ipsum dolor sit amet '.repeat(14_000)}`, 'ok'))],
];

/** The whole fixture as JSONL text, with blank lines in between. */
export function chatFixtureJsonl(): string {
  const valid = validRecords();
  const lines = [
    ...valid.map((r) => JSON.stringify(r)),
    '',
    ...exactDuplicates(valid).map((r) => JSON.stringify(r)),
    ...nearDuplicates().map((r) => JSON.stringify(r)),
    '   ',
    ...INVALID_LINES.map(([, line]) => line),
  ];
  return lines.join('\n') + '\n';
}

export const EXPECTED = {
  valid: 12,
  exactDuplicates: 3,
  nearDuplicates: 2,
  invalid: INVALID_LINES.length,
  get read(): number {
    return this.valid + this.exactDuplicates + this.nearDuplicates + this.invalid;
  },
} as const;
