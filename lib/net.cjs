// The run-time values of "tsbpf/net" (CommonJS; lib/net.js re-exports it for `import`): the
// protocol-number enums of lib/net.d.ts, with reverse mappings as TypeScript emits them.
"use strict";

function numericEnum(members) {
  const e = {};
  for (const [name, value] of Object.entries(members)) e[(e[name] = value)] = name;
  return Object.freeze(e);
}

exports.EtherType = numericEnum({ IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, QINQ: 0x88a8, IPV6: 0x86dd });
exports.IpProto = numericEnum({ HOPOPTS: 0, ICMP: 1, TCP: 6, UDP: 17, ROUTING: 43, FRAGMENT: 44, ICMPV6: 58, NONE: 59, DSTOPTS: 60 });
exports.HeaderSize = numericEnum({ ETH: 14, VLAN: 4, IPV4: 20, IPV6: 40, UDP: 8, TCP: 20, ICMP: 8, ARP: 28 });
exports.ArpOp = numericEnum({ REQUEST: 1, REPLY: 2 });
exports.ArpHardware = numericEnum({ ETHER: 1 });
