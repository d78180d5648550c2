// Lowering of the calls that reach BPF helpers: map methods (lookup/update/delete through
// bpf_map_*_elem with keys and values on the stack) and the XdpContext's methods (header<T>
// with the bounds check the verifier demands, adjust_head/tail/meta reloading data/data_end).

import { Node, type CallExpression } from "ts-morph";
import { imm, reg } from "../ir/builder.js";
import type { Operand, VReg } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import type { ExprLowerer } from "./lower-expr.js";
import type { FunctionLowerer } from "./lower-function.js";
import type { MapDecl } from "./module.js";
import { helperId } from "../../runtime/isa/helper-ids.js";
import { MapType } from "../../runtime/object/map-types.js";
import { warnPadding } from "./layout.js";
import { I64, U32, U64, alignOf, sizeOf, valueTypeOf, type ValueType } from "./types.js";
import type { Value } from "./values.js";

const HELPER = {
  lookup: helperId("map_lookup_elem"),
  update: helperId("map_update_elem"),
  delete: helperId("map_delete_elem"),
  tailCall: helperId("tail_call"),
  ringbufOutput: helperId("ringbuf_output"),
  redirect: helperId("redirect"),
  redirectMap: helperId("redirect_map"),
  adjustHead: helperId("xdp_adjust_head"),
  adjustMeta: helperId("xdp_adjust_meta"),
  adjustTail: helperId("xdp_adjust_tail"),
  push: helperId("map_push_elem"),
  pop: helperId("map_pop_elem"),
  peek: helperId("map_peek_elem"),
  perfOutput: helperId("perf_event_output"),
  loadBytes: helperId("xdp_load_bytes"),
  storeBytes: helperId("xdp_store_bytes"),
  bufferLength: helperId("xdp_get_buff_len"),
} as const;

const BPF_F_CURRENT_CPU = 0xffffffffn;

/**
 * A helper that fills a fresh stack slot of type `t` and returns 0 on success, as a reference
 * to the slot that is null when the helper failed. The two outcomes join like a header's
 * bounds check, so jump threading merges them with the user's null check.
 */
function copyOut(x: ExprLowerer, t: ValueType, fill: (buffer: VReg) => VReg): Value {
  const b = x.f.b;
  const slot = b.slot(sizeOf(t), Math.max(8, alignOf(t)));
  const buffer = b.stackaddr(slot);
  x.f.nonNull.add(buffer);
  const r = fill(buffer);
  const ok = b.newBlock();
  const none = b.newBlock();
  const join = b.newBlock();
  const result = b.vreg();
  b.br("jne", 64, r, imm(0), none, ok);
  b.enter(ok);
  b.mov(reg(buffer), 64, result);
  b.jmp(join);
  b.enter(none);
  b.mov(imm(0), 64, result);
  b.jmp(join);
  b.enter(join);
  return { kind: "ptr", to: t, base: result, off: 0, nullable: true, space: "stack" };
}

/** The memory type `T` of a call's explicit type argument, or of the argument `arg`. */
function argType(x: ExprLowerer, node: CallExpression, arg: Node | undefined, what: string): ValueType {
  const explicit = node.getTypeArguments()[0];
  const type = explicit ? explicit.getType() : arg?.getType();
  if (!type) return x.f.fail(node, Code.Unsupported, `${what} needs a type argument, e.g. <EthHdr>`);
  const t = valueTypeOf(type.isNullable() ? type.getNonNullableType() : type, what);
  if (typeof t === "string") return x.f.fail(explicit ?? arg ?? node, Code.UnsupportedType, t);
  return t;
}

/** bpf_redirect(ifindex, 0). */
export function lowerRedirect(x: ExprLowerer, args: Node[], node: CallExpression): Value {
  if (args.length !== 1) x.f.fail(node, Code.Unsupported, "redirect takes an interface index");
  const ifindex = x.lower(args[0]!, U32);
  return { kind: "int", ty: U32, op: reg(x.f.b.call({ kind: "helper", id: HELPER.redirect }, [x.convert(ifindex, U32, args[0]!).op, imm(0)])!) };
}

/** The address of a key or value: references pass through, integers go to a stack slot. */
export function addressOf(x: ExprLowerer, node: Node, t: ValueType): VReg {
  const v = x.lower(node, t.kind === "int" ? t : undefined);
  if (v.kind === "ptr") return x.address(v);
  if (t.kind !== "int") return x.f.fail(node, Code.UnsupportedType, "expected a struct reference here");
  const slot = x.f.b.slot(sizeOf(t), alignOf(t));
  const base = x.f.b.stackaddr(slot);
  x.f.b.store(base, 0, (t.bits / 8) as 1 | 2 | 4 | 8, x.convert(v, t, node).op);
  return base;
}

/**
 * A call of a map's method. `mapReg` holds the map pointer when the map was reached at run time
 * (an inner map of a map-in-map); otherwise the map is loaded by name (lddw with a relocation).
 */
export function lowerMapCall(x: ExprLowerer, map: MapDecl, method: string, args: Node[], node: CallExpression, mapReg?: VReg): Value {
  const b = x.f.b;
  const mapOf = (): VReg => mapReg ?? b.lddw({ kind: "map", name: map.name });
  const need = (n: number, m: number): void => {
    if (args.length < n || args.length > m) x.f.fail(node, Code.Unsupported, `${map.name}.${method} takes ${n === m ? n : `${n} or ${m}`} arguments`);
  };
  if (map.type === MapType.RINGBUF) {
    if (method !== "output") return x.f.fail(node, Code.Unsupported, `ring buffers have no method '${method}'; use output(value)`);
    need(1, 1);
    const arg = args[0]!;
    const explicit = node.getTypeArguments()[0];
    const t = valueTypeOf(explicit ? explicit.getType() : arg.getType(), "the ring buffer record");
    if (typeof t === "string") return x.f.fail(arg, Code.UnsupportedType, t);
    const data = addressOf(x, arg, t);
    const m = mapOf();
    return { kind: "int", ty: I64, op: reg(b.call({ kind: "helper", id: HELPER.ringbufOutput }, [reg(m), reg(data), imm(sizeOf(t)), imm(0)])!) };
  }
  if (map.type === MapType.PROG_ARRAY) {
    if (method !== "tailCall") return x.f.fail(node, Code.Unsupported, `prog arrays have no method '${method}'; use tailCall(ctx, index)`);
    need(2, 2);
    const ctx = x.lower(args[0]!);
    if (ctx.kind !== "ctx") return x.f.fail(args[0]!, Code.UnsupportedType, "tailCall's first argument is the program's XdpContext");
    const index = x.lower(args[1]!, U32);
    const m = mapOf();
    b.call({ kind: "helper", id: HELPER.tailCall }, [reg(ctx.reg), reg(m), x.convert(index, U32, args[1]!).op], false);
    return { kind: "void" };
  }
  if (map.type === MapType.PERF_EVENT_ARRAY) {
    if (method !== "output") return x.f.fail(node, Code.Unsupported, `perf event arrays have no method '${method}'; use output(ctx, record)`);
    need(2, 4);
    const ctx = x.lower(args[0]!);
    if (ctx.kind !== "ctx") return x.f.fail(args[0]!, Code.UnsupportedType, "output's first argument is the program's XdpContext");
    const t = argType(x, node, args[1], "the perf event record");
    const data = addressOf(x, args[1]!, t);
    // flags: the buffer's index in the low 32 bits, the packet bytes to append in bits 32..51.
    let flags: Operand = imm(BPF_F_CURRENT_CPU);
    const packetBytes = args[2] ? x.convert(x.lower(args[2], U64), U64, args[2]) : undefined;
    const index = args[3] ? x.convert(x.lower(args[3], U32), U32, args[3]) : undefined;
    if (packetBytes?.op.kind === "imm" && (packetBytes.op.value < 0n || packetBytes.op.value >= 1n << 20n)) x.f.fail(args[2]!, Code.Unsupported, "at most 2^20 - 1 packet bytes can follow a perf record");
    if ((packetBytes?.op.kind ?? "imm") === "imm" && (index?.op.kind ?? "imm") === "imm") {
      const n = packetBytes?.op.kind === "imm" ? packetBytes.op.value : 0n;
      const i = index?.op.kind === "imm" ? index.op.value : BPF_F_CURRENT_CPU;
      flags = imm(BigInt.asIntN(64, (n << 32n) | i));
    } else {
      const low = index ? b.mov(index.op, 32) : b.mov(imm(BPF_F_CURRENT_CPU), 32);
      if (packetBytes) {
        const bytes = b.alu("and", b.mov(packetBytes.op), imm(0xfffff), 64);
        flags = reg(b.alu("or", b.alu("lsh", bytes, imm(32), 64), reg(low), 64));
      } else flags = reg(low);
    }
    const m = mapOf();
    return { kind: "int", ty: I64, op: reg(b.call({ kind: "helper", id: HELPER.perfOutput }, [reg(ctx.reg), reg(m), flags, reg(data), imm(sizeOf(t))])!) };
  }
  if (map.type === MapType.QUEUE || map.type === MapType.STACK) {
    const valueType = map.value!;
    switch (method) {
      case "push": {
        need(1, 2);
        const value = addressOf(x, args[0]!, valueType);
        const flags: Operand = args[1] ? lowerFlags(x, args[1]) : imm(0);
        const m = mapOf();
        return { kind: "int", ty: I64, op: reg(b.call({ kind: "helper", id: HELPER.push }, [reg(m), reg(value), flags])!) };
      }
      case "pop":
      case "peek":
        need(0, 0);
        return copyOut(x, valueType, (buffer) => b.call({ kind: "helper", id: method === "pop" ? HELPER.pop : HELPER.peek }, [reg(mapOf()), reg(buffer)])!);
      default:
        return x.f.fail(node, Code.Unsupported, `queues and stacks have no method '${method}'; use push, pop or peek`);
    }
  }
  const key = map.key!;
  const valueType = map.value!;
  switch (method) {
    case "lookup": {
      need(1, 1);
      const k = addressOf(x, args[0]!, key);
      const m = mapOf();
      const r = b.call({ kind: "helper", id: HELPER.lookup }, [reg(m), reg(k)])!;
      // A map-in-map's value is the inner map itself, which the next calls take as their map.
      if (map.inner) return { kind: "map", decl: map.inner, reg: r, nullable: true };
      return { kind: "ptr", to: valueType, base: r, off: 0, nullable: true, space: "map_value" };
    }
    case "update": {
      need(2, 3);
      if (map.inner) return x.f.fail(node, Code.Unsupported, `programs cannot store maps into '${map.name}'; fill its slots in the declaration or from user space`);
      const k = addressOf(x, args[0]!, key);
      const value = addressOf(x, args[1]!, valueType);
      const flags: Operand = args[2] ? lowerFlags(x, args[2]) : imm(0);
      const m = mapOf();
      return { kind: "int", ty: I64, op: reg(b.call({ kind: "helper", id: HELPER.update }, [reg(m), reg(k), reg(value), flags])!) };
    }
    case "redirect": {
      need(1, 2);
      const key = x.lower(args[0]!, U32);
      const fallback = args[1] ? x.lower(args[1], U32) : undefined;
      const m = mapOf();
      const ops = [reg(m), x.convert(key, U32, args[0]!).op, fallback ? x.convert(fallback, U32, args[1]!).op : imm(0)];
      return { kind: "int", ty: U32, op: reg(b.call({ kind: "helper", id: HELPER.redirectMap }, ops)!) };
    }
    case "delete": {
      need(1, 1);
      if (map.inner) return x.f.fail(node, Code.Unsupported, `programs cannot delete from map-in-map '${map.name}' (the verifier refuses it)`);
      const k = addressOf(x, args[0]!, key);
      const m = mapOf();
      return { kind: "int", ty: I64, op: reg(b.call({ kind: "helper", id: HELPER.delete }, [reg(m), reg(k)])!) };
    }
    default:
      return x.f.fail(node, Code.Unsupported, `maps have no method '${method}'`);
  }
}

function lowerFlags(x: ExprLowerer, node: Node): Operand {
  const v = x.lower(node);
  if (v.kind !== "int") return x.f.fail(node, Code.UnsupportedType, "flags are integers");
  return v.op;
}

export function lowerXdpCall(x: ExprLowerer, method: string, node: CallExpression): Value {
  const f: FunctionLowerer = x.f;
  const b = f.b;
  const pkt = f.packet;
  if (!pkt) return f.fail(node, Code.Unsupported, "the XdpContext can only be used in the program that receives it");
  const args = node.getArguments();
  if (method === "header") {
    const typeArg = node.getTypeArguments()[0];
    if (!typeArg || args.length !== 1) f.fail(node, Code.Unsupported, "header takes a type argument and an offset: ctx.header<EthHdr>(0)");
    const t = valueTypeOf(typeArg.getType(), `header<${typeArg.getText()}>`);
    if (typeof t === "string") f.fail(typeArg, Code.UnsupportedType, t);
    // Ref<boolean> is boolean itself: the reference would pass for the flag.
    if (t.kind === "bool") f.fail(typeArg, Code.UnsupportedType, "header<boolean> cannot be told apart from its own null check", "read the byte as header<u8> and test .value");
    warnPadding(f.sink, t, typeArg);
    const size = sizeOf(t);
    const offset = x.lower(args[0]!, U32);
    if (offset.kind !== "int") f.fail(args[0]!, Code.UnsupportedType, "the offset is an integer");
    let base: VReg;
    let off = 0;
    if (offset.op.kind === "imm") {
      off = Number(offset.op.value);
      base = pkt.data;
    } else {
      const o = x.convert(offset, offset.ty && offset.ty.bits === 64 ? offset.ty : U32, args[0]!);
      base = b.alu("add", b.mov(reg(pkt.data)), o.op, 64);
      f.nonNull.add(base);
    }
    // if (base + off + size > data_end) → null
    const end = b.alu("add", b.mov(reg(base)), imm(off + size), 64);
    const ok = b.newBlock();
    const none = b.newBlock();
    const join = b.newBlock();
    const result = b.vreg();
    b.br("jgt", 64, end, reg(pkt.dataEnd), none, ok);
    b.enter(ok);
    b.mov(reg(base), 64, result);
    b.jmp(join);
    b.enter(none);
    b.mov(imm(0), 64, result);
    b.jmp(join);
    b.enter(join);
    return { kind: "ptr", to: t, base: result, off, nullable: true, space: "packet" };
  }
  const id = HELPER[method as "adjustHead"];
  // The kernel this compiler targets refuses the helper for XDP at load time; say so at the call.
  if (method === "adjustMeta") f.fail(node, Code.Unsupported, "ctx.adjustMeta cannot be used: Linux 6.18.44 does not let XDP programs call bpf_xdp_adjust_meta (the kernel refuses the load: program of this type cannot use helper bpf_xdp_adjust_meta#54)");
  if (method === "adjustHead" || method === "adjustTail") {
    if (args.length !== 1) f.fail(node, Code.Unsupported, `${method} takes one argument`);
    const delta = x.lower(args[0]!, I64);
    if (delta.kind !== "int") f.fail(args[0]!, Code.UnsupportedType, "the delta is an integer");
    const r = b.call({ kind: "helper", id }, [reg(pkt.ctx), x.convert(delta, I64, args[0]!).op])!;
    // The frame moved: every packet reference taken before is stale; reload the bounds.
    b.emit({ op: "load", dst: pkt.data, base: pkt.ctx, off: 0, size: 4, line: b.line });
    b.emit({ op: "load", dst: pkt.dataEnd, base: pkt.ctx, off: 4, size: 4, line: b.line });
    return { kind: "int", ty: I64, op: reg(r) };
  }
  if (method === "loadBytes") {
    if (args.length !== 1 || !node.getTypeArguments()[0]) f.fail(node, Code.Unsupported, "loadBytes takes a type argument and an offset: ctx.loadBytes<UdpHdr>(off)");
    const t = argType(x, node, undefined, "loadBytes' type argument");
    if (t.kind === "bool") f.fail(node.getTypeArguments()[0]!, Code.UnsupportedType, "loadBytes<boolean> cannot be told apart from its own null check", "read the byte as loadBytes<u8> and test .value");
    warnPadding(f.sink, t, node.getTypeArguments()[0]!);
    const offset = x.convert(x.lower(args[0]!, U32), U32, args[0]!);
    return copyOut(x, t, (buffer) => b.call({ kind: "helper", id: HELPER.loadBytes }, [reg(pkt.ctx), offset.op, reg(buffer), imm(sizeOf(t))])!);
  }
  if (method === "bufferLength") {
    if (args.length !== 0) f.fail(node, Code.Unsupported, "bufferLength takes no arguments");
    return { kind: "int", ty: U32, op: reg(b.mov(reg(b.call({ kind: "helper", id: HELPER.bufferLength }, [reg(pkt.ctx)])!), 32)) };
  }
  if (method === "storeBytes") {
    if (args.length !== 2) f.fail(node, Code.Unsupported, "storeBytes takes an offset and a value");
    const t = argType(x, node, args[1], "the stored value");
    const offset = x.convert(x.lower(args[0]!, U32), U32, args[0]!);
    const data = addressOf(x, args[1]!, t);
    const r = b.call({ kind: "helper", id: HELPER.storeBytes }, [reg(pkt.ctx), offset.op, reg(data), imm(sizeOf(t))])!;
    return { kind: "int", ty: I64, op: reg(r) };
  }
  return f.fail(node, Code.Unsupported, `XdpContext has no method '${method}'`);
}
