/**
 * Planted sensitive values of every type the TRiSM gate detects, and look-alikes it must leave
 * alone. Tokens are assembled from parts so secret scanners do not mistake the fixtures for leaks.
 */
export const PLANTED = {
  email: ['jane.doe+ft@example.co.uk', 'ops@acme-corp.io'],
  phone: ['+44 20 7946 0958', '+1 (415) 555-0123', '(415) 555-0134', '212-555-0187', '1-800-555-0199', '+33 1 42 68 53 00'],
  payment_card: ['4111 1111 1111 1111', '5500-0000-0000-0004', '378282246310005', '6011111111111117'],
  iban: ['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'FR14 2004 1010 0505 0001 3M02 606'],
  us_ssn: ['123-45-6789', '219 09 9999'],
  ip_address: ['192.168.1.20', '8.8.8.8', '2001:db8::8a2e:370:7334', 'fe80::1ff:fe23:4567:890a'],
  secret: [
    'AKIA' + 'IOSFODNN7EXAMPLE',
    'ASIA' + 'Y34FZKBOKMUTVV7A',
    'sk-' + 'proj-' + 'Xy12abCD34efGH56ijKL78mnOP90qrST',
    'sk-' + 'Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56',
    'ghp' + '_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
    'github' + '_pat_' + '11ABCDEFG0123456789abcdefghijklmnop',
    'xox' + 'b-123456789012-abcdefABCDEF12',
    'AI' + 'za' + 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
    'sk' + '_live_' + '4eC39HqLyjWDarjtT1zdp7dc',
    'ey' + 'JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + 'ey' + 'JzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    '-----BEGIN RSA ' + 'PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END RSA ' + 'PRIVATE KEY-----',
  ],
} as const;

/** Context-bound secrets: only the value after the marker is sensitive. */
export const CONTEXT_SECRETS = [
  { text: 'aws_secret_access_key = ' + 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { text: 'Authorization: Bearer ' + 'abc123.def456-ghi789_jklmnopq', secret: 'abc123.def456-ghi789_jklmnopq' },
] as const;

/** Look-alikes: dates, ids, versions, times, bad checksums. None of these is a finding. */
export const BENIGN = [
  'The release is on 2024-01-15 at 10:30:45 UTC.',
  'Order 4155550123 shipped; ticket #20240115-0042.',
  'Upgrade from version 1.2.3 to 10.0.12 please.',
  'Card 4111 1111 1111 1112 fails Luhn.',
  'IBAN DE89 3704 0044 0532 0130 01 has a bad checksum.',
  'SSN-shaped 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567 and 123-45-0000 are not issued.',
  'The address 999.10.1.1 is not IPv4, and neither is 1.2.3.4.5.6.',
  'Ratio 3:2:1 and time 12:30:45 are not IPv6.',
  'Call extension 555-0123 internally.',
  'Invoice 1234567890123 total 42.50 EUR.',
  'Use sk-short and AKIA123 in the docs as placeholders.',
];
