// "tsbpf/net" for `import`: the run-time values of lib/net.cjs (one copy, shared with require()).
export { EtherType, IpProto, HeaderSize, ArpOp, ArpHardware } from "./net.cjs";
