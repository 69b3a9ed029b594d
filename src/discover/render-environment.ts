import type { DiscoveredEnvironment, PerRole, Sourced } from './discovered-environment.ts';

const ROLES = ['primary', 'secondary'] as const;

/**
 * The environment file `drdrill discover` writes: TypeScript importing from 'drdrill', each value
 * followed by a comment naming the call it came from, and a TODO line for each thing not found.
 */
export function renderEnvironment(found: DiscoveredEnvironment, command: string): string {
  const lines: string[] = [
    `import { defineEnvironment } from 'drdrill';`,
    '',
    '/**',
    ` * Written by \`${command}\`.`,
    ' * Every id below names the read call it came from; review the TODO lines before the first run.',
    ...(found.todos.length === 0 ? [] : [' *', ...found.todos.map((todo) => ` * TODO ${todo}`)]),
    ' */',
    'export const environment = defineEnvironment({',
    `  name: ${literal(found.name)},`,
    `  kind: ${literal(found.kind)},`,
    found.accountId === undefined ? '  // TODO accountId: STS GetCallerIdentity returned no account' : sourced('  accountId', found.accountId),
    ...(found.profile === undefined ? [] : [`  profile: ${literal(found.profile)}, // --profile`]),
    ...perRole('  ', 'regions', found.regions),
    ...found.connection.map((item) => `  ${item.value[0]}: ${literal(item.value[1])}, // ${item.from}`),
    found.dnsResolvers === undefined ? '  // TODO dnsResolvers: see the TODO lines above' : sourced('  dnsResolvers', found.dnsResolvers),
    '  services: {',
    `    ${key(found.service.name)}: {`,
    ...serviceLines(found),
    '    },',
    '  },',
    '});',
    '',
  ];
  return lines.join('\n');
}

function serviceLines(found: DiscoveredEnvironment): string[] {
  const s = found.service;
  const indent = '      ';
  const optional = (name: string, values: PerRole<unknown>): string[] => (ROLES.every((role) => values[role] !== undefined) ? perRole(indent, name, values) : []);
  return [
    s.url === undefined ? `${indent}// TODO url: see the TODO lines above` : sourced(`${indent}url`, s.url),
    sourced(`${indent}hostedZoneId`, s.hostedZoneId),
    sourced(`${indent}recordName`, s.recordName),
    ...perRole(indent, 'functions', s.functions),
    ...perRole(indent, 'healthChecks', s.healthChecks),
    ...optional('addresses', s.addresses),
    ...optional('customDomains', s.customDomains),
    ...optional('failureFlags', s.failureFlags),
    ...optional('routingControls', s.routingControls),
  ];
}

/** `name: { primary: …, // from\n secondary: … }`; a role not found is a TODO line in its place. */
function perRole(indent: string, name: string, values: PerRole<unknown>): string[] {
  return [
    `${indent}${name}: {`,
    ...ROLES.map((role) => {
      const value = values[role];
      return value === undefined ? `${indent}  // TODO ${role}: not found (see the TODO lines above)` : sourced(`${indent}  ${role}`, value);
    }),
    `${indent}},`,
  ];
}

function sourced(prefix: string, item: Sourced<unknown>): string {
  return `${prefix}: ${literal(item.value)}, // ${item.from}`;
}

function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${key(k)}: ${literal(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : literal(name);
}
