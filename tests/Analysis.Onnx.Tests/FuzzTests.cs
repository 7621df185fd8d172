using Analysis.Tests.Shared;
using Analysis.Onnx.Proto;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Analysis.Onnx.Tests;

/// <summary>
/// Mutated real models (the tiny test exports and the bundled onnx-models), with a fixed seed and a fixed budget, go
/// through what `inspect` and `expose` do: load, fix the no-cache branch, discover hooks, summarise, expose every hook,
/// read every tensor. Only <see cref="OnnxFormatException"/> (a corrupt model, said in one sentence) may escape; no
/// other exception, no hang, no allocation sized by a number in the file.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    // A longer campaign with another seed: ANALYSIS_FUZZ_SEED, ANALYSIS_FUZZ_CASES, ANALYSIS_FUZZ_SECONDS.
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("ANALYSIS_FUZZ_SEED"), out var s) ? s : 20240318;
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("ANALYSIS_FUZZ_SECONDS"), out var t) ? t : 300); // a guard only: the budget ends a run
    /// <summary>The number of cases: fixed, so the same seed runs the same cases on every machine.</summary>
    private static int Budget(int standard) => int.TryParse(Environment.GetEnvironmentVariable("ANALYSIS_FUZZ_CASES"), out var n) ? n : standard;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);
    private const long AllocationBudget = 256L << 20; // the largest source model, parsed and copied a few times, is far below

    private static readonly string[] Sources =
    [
        .. TestModels.TinyNames.Select(TestModels.Tiny),
        .. Directory.GetFiles(Path.Combine(TestModels.RepositoryRoot, "onnx-models"), "*.onnx", SearchOption.AllDirectories).Order(StringComparer.Ordinal),
    ];

    /// <summary>What the commands do with a model they are given, on the model in <paramref name="bytes"/>.</summary>
    internal static void Exercise(byte[] bytes)
    {
        var model = OnnxModel.FromBytes(bytes, name: "fuzzed.onnx");
        var branch = model.SelectNoCacheBranch();
        var map = HookDiscovery.Discover(model);
        ModelSummary.Of(model, map, branch);
        foreach (var t in model.Graph.Initializer) model.ReadTensorData(t);
        if (map.Hooks.Count > 0) model.ExposeHooks(map.Hooks.ToList());
        model.ToBytes();
    }

    private static bool Acceptable(Exception e) => e is OnnxFormatException;

    [Fact]
    public void MutatedModelsFailOnlyWithInvalidDataException()
    {
        var runner = new FuzzRunner(Acceptable, PerCase, AllocationBudget);
        var rng = new Random(Seed);
        var protos = Sources.Select(s => ModelProto.Parser.ParseFrom(File.ReadAllBytes(s))).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var budget = Budget(1500);
        for (var i = 0; i < budget && !runner.Hung && clock.Elapsed < TimeLimit; i++)
        {
            // The small exports most of the time: they run in milliseconds; the bundled models every fifth case.
            var source = i % 5 == 4 ? TestModels.TinyNames.Length + rng.Next(protos.Length - TestModels.TinyNames.Length) : rng.Next(TestModels.TinyNames.Length);
            var proto = protos[source].Clone();
            var applied = new List<string>();
            for (var m = 1 + rng.Next(3); m > 0; m--) applied.Add(ModelMutator.Mutate(proto, rng));
            var bytes = proto.ToByteArray();
            if (rng.Next(4) == 0) applied.Add(ByteMutator.Mutate(bytes, rng));
            runner.Run($"case {i} ({Path.GetFileName(Sources[source])}: {string.Join("; ", applied)})", () => Exercise(bytes));
        }
        output.WriteLine($"structural ONNX fuzz, seed {Seed}: {runner.Summary()} in {clock.Elapsed.TotalSeconds:N1} s");
        Assert.True(runner.Failures.Count == 0, $"{runner.Failures.Count} failures:\n{runner.Distinct()}");
        Assert.True(runner.Cases == budget, $"only {runner.Summary()} within {TimeLimit.TotalSeconds:N0} s");
    }

    [Fact]
    public void CorruptedBytesFailOnlyWithInvalidDataException()
    {
        var runner = new FuzzRunner(Acceptable, PerCase, AllocationBudget);
        var rng = new Random(Seed + 1);
        var files = Sources.Select(File.ReadAllBytes).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var budget = Budget(600);
        for (var i = 0; i < budget && !runner.Hung && clock.Elapsed < TimeLimit; i++)
        {
            // The bundled models (1 MB, mostly weights that byte edits leave inert) every tenth case.
            var source = i % 10 == 9 ? TestModels.TinyNames.Length + rng.Next(files.Length - TestModels.TinyNames.Length) : rng.Next(TestModels.TinyNames.Length);
            var bytes = (byte[])files[source].Clone();
            var applied = ByteMutator.Mutate(bytes, rng);
            if (rng.Next(10) == 0) bytes = bytes[..rng.Next(bytes.Length)];
            runner.Run($"case {i} ({Path.GetFileName(Sources[source])}: {applied})", () => Exercise(bytes));
        }
        output.WriteLine($"byte-level ONNX fuzz, seed {Seed + 1}: {runner.Summary()} in {clock.Elapsed.TotalSeconds:N1} s");
        Assert.True(runner.Failures.Count == 0, $"{runner.Failures.Count} failures:\n{runner.Distinct()}");
        Assert.True(runner.Cases == budget, $"only {runner.Summary()} within {TimeLimit.TotalSeconds:N0} s");
    }
}

/// <summary>Byte-level damage: flipped bits, random bytes, and large or negative varints, mostly where the graph's structure is.</summary>
internal static class ByteMutator
{
    public static string Mutate(byte[] bytes, Random rng)
    {
        var n = 1 + rng.Next(6);
        for (var k = 0; k < n; k++)
        {
            // Nodes are serialized first and inputs/outputs last; the weights in between are mostly inert.
            var at = rng.Next(3) switch
            {
                0 => rng.Next(Math.Max(1, bytes.Length / 5)),
                1 => bytes.Length - 1 - rng.Next(Math.Max(1, bytes.Length / 20)),
                _ => rng.Next(bytes.Length),
            };
            switch (rng.Next(4))
            {
                case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: bytes[at] = (byte)rng.Next(256); break;
                case 2: bytes[at] = 0xFF; break; // a varint that continues
                default:
                    // A varint of 10^12 (or 2^63 - 1) written over whatever was there.
                    var value = rng.Next(2) == 0 ? 1_000_000_000_000UL : long.MaxValue;
                    for (var p = at; p < bytes.Length && value != 0; p++, value >>= 7) bytes[p] = (byte)((value & 0x7F) | (value > 0x7F ? 0x80u : 0));
                    break;
            }
        }
        return $"{n} byte edits";
    }
}

/// <summary>Structural damage to a parsed model: shapes, types, data, operators, wiring, attributes, opsets.</summary>
internal static class ModelMutator
{
    private static readonly long[] Dims = [0, -1, -7, 3, 1 << 20, int.MaxValue, 1L << 40, 1_000_000_000_000, long.MaxValue];

    private static readonly string[] Ops =
    [
        "Reshape", "Gather", "Softmax", "Add", "MatMul", "Range", "ConstantOfShape", "Expand", "Split", "Slice", "Tile", "Concat",
        "Transpose", "If", "Loop", "Attention", "LayerNormalization", "SkipLayerNormalization", "Shape", "Unsqueeze", "Squeeze",
        "Constant", "Cast", "Einsum", "Gemm", "ReduceMean", "Where", "TopK", "Flatten", "GatherND", "Pow", "Sqrt", "Div", "Mul",
    ];

    private static readonly string[] Attributes = ["axis", "axes", "perm", "split", "num_outputs", "to", "value", "keepdims", "batch_dims", "then_branch", "num_heads", "epsilon"];

    private static T Pick<T>(IReadOnlyList<T> items, Random rng) => items[rng.Next(items.Count)];

    private static long Dim(Random rng) => rng.Next(3) == 0 ? rng.Next(-3, 70) : Pick(Dims, rng);

    public static string Mutate(ModelProto model, Random rng)
    {
        var g = model.Graph;
        if (g is null) return "no graph";
        var tensors = g.Node.SelectMany(n => n.Input.Concat(n.Output)).Concat(g.Initializer.Select(t => t.Name)).Where(t => t.Length > 0).Distinct().ToList();
        switch (rng.Next(16))
        {
            case 0 when g.Initializer.Count > 0:
            {
                var t = Pick(g.Initializer, rng);
                if (t.Dims.Count == 0) t.Dims.Add(Dim(rng)); else t.Dims[rng.Next(t.Dims.Count)] = Dim(rng);
                return $"initializer {t.Name} dims [{string.Join(",", t.Dims)}]";
            }
            case 1 when g.Initializer.Count > 0:
            {
                var t = Pick(g.Initializer, rng);
                if (rng.Next(2) == 0 || t.Dims.Count == 0) t.Dims.Add(Dim(rng)); else t.Dims.RemoveAt(rng.Next(t.Dims.Count));
                return $"initializer {t.Name} rank {t.Dims.Count}";
            }
            case 2 when g.Initializer.Count > 0:
            {
                var t = Pick(g.Initializer, rng);
                t.DataType = rng.Next(30);
                return $"initializer {t.Name} type {t.DataType}";
            }
            case 3 when g.Initializer.Count > 0:
            {
                var t = Pick(g.Initializer, rng);
                if (t.HasRawData) t.RawData = ByteString.CopyFrom(t.RawData.Span[..rng.Next(t.RawData.Length + 1)]);
                else { t.Int64Data.Add(rng.NextInt64()); t.FloatData.Add(1f); t.Int32Data.Add(rng.Next()); }
                return $"initializer {t.Name} data resized";
            }
            case 4 when g.Node.Count > 0:
            {
                var n = Pick(g.Node, rng);
                n.OpType = Pick(Ops, rng);
                return $"node {n.Name} op {n.OpType}";
            }
            case 5 when g.Node.Count > 0 && tensors.Count > 0:
            {
                var n = Pick(g.Node, rng);
                var name = rng.Next(5) switch { 0 => "", 1 => "no-such-tensor", _ => Pick(tensors, rng) };
                if (n.Input.Count > 0 && rng.Next(4) == 0) n.Input.RemoveAt(rng.Next(n.Input.Count));
                else if (n.Input.Count > 0 && rng.Next(3) > 0) n.Input[rng.Next(n.Input.Count)] = name; else n.Input.Add(name);
                return $"node {n.Name} input {name}";
            }
            case 6 when g.Node.Count > 0 && tensors.Count > 0:
            {
                var n = Pick(g.Node, rng);
                if (n.Output.Count > 0 && rng.Next(2) == 0) n.Output[rng.Next(n.Output.Count)] = Pick(tensors, rng); // a cycle, or two producers
                else if (n.Output.Count > 0) n.Output.RemoveAt(rng.Next(n.Output.Count));
                return $"node {n.Name} outputs [{string.Join(",", n.Output)}]";
            }
            case 7 when g.Node.Count > 0:
            {
                var i = rng.Next(g.Node.Count);
                g.Node.RemoveAt(i);
                return $"node {i} removed";
            }
            case 8 when g.Node.Count > 0:
            {
                var n = Pick(g.Node, rng);
                var a = n.Attribute.Count > 0 && rng.Next(3) > 0 ? Pick(n.Attribute, rng) : AddAttribute(n, Pick(Attributes, rng));
                switch (rng.Next(6))
                {
                    case 0: a.I = Pick(Dims, rng); break;
                    case 1: a.Ints.Clear(); for (var k = rng.Next(6); k > 0; k--) a.Ints.Add(Dim(rng)); break;
                    case 2: a.Type = (AttributeProto.Types.AttributeType)rng.Next(15); break;
                    case 3: a.T = new TensorProto { DataType = rng.Next(1, 17), Dims = { Dim(rng) }, Int64Data = { 1 }, Name = "t" }; break;
                    case 4: a.F = float.NaN; break;
                    default: a.G = new GraphProto { Node = { new NodeProto { OpType = Pick(Ops, rng), Input = { Pick(tensors, rng) }, Output = { "sub_out" } } }, Output = { new ValueInfoProto { Name = "sub_out" } } }; break;
                }
                return $"node {n.Name} attribute {a.Name}";
            }
            case 9 when g.Input.Count > 0:
            {
                var input = Pick(g.Input, rng);
                var tensorType = input.Type?.TensorType;
                if (tensorType?.Shape is { } shape && shape.Dim.Count > 0 && rng.Next(2) == 0)
                    shape.Dim[rng.Next(shape.Dim.Count)] = new TensorShapeProto.Types.Dimension { DimValue = Dim(rng) };
                else if (tensorType is not null) tensorType.ElemType = rng.Next(30);
                else input.Type = null;
                return $"input {input.Name} type";
            }
            case 10:
            {
                if (model.OpsetImport.Count > 0) model.OpsetImport[0].Version = rng.Next(3) == 0 ? long.MaxValue : rng.Next(-2, 30);
                return "opset";
            }
            case 11 when g.Node.Count > 1:
            {
                int a = rng.Next(g.Node.Count), b = rng.Next(g.Node.Count);
                (g.Node[a], g.Node[b]) = (g.Node[b].Clone(), g.Node[a].Clone());
                return $"nodes {a} and {b} swapped";
            }
            case 12:
            {
                var value = new TensorProto { Name = "v", DataType = rng.Next(1, 17), Dims = { Dim(rng), Dim(rng) } };
                if (rng.Next(2) == 0) value.RawData = ByteString.CopyFrom(new byte[rng.Next(64)]);
                g.Node.Insert(rng.Next(g.Node.Count + 1), new NodeProto
                {
                    OpType = "Constant", Output = { "fuzz_constant" },
                    Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value } },
                });
                if (g.Node.Count > 1) Pick(g.Node, rng).Input.Add("fuzz_constant");
                return $"constant [{string.Join(",", value.Dims)}]";
            }
            case 13 when g.Initializer.Count > 0:
            {
                var t = Pick(g.Initializer, rng);
                t.DataLocation = TensorProto.Types.DataLocation.External;
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = Pick(["w.bin", "/etc/passwd", "../x", "", "a/../../b"], rng) });
                t.ExternalData.Add(new StringStringEntryProto { Key = Pick(["offset", "length"], rng), Value = Pick(["-1", "0", "99999999999999999999", "1000000000000", "x"], rng) });
                return $"initializer {t.Name} external";
            }
            case 14 when g.Output.Count > 0:
            {
                var o = Pick(g.Output, rng);
                if (rng.Next(2) == 0) o.Name = Pick(tensors, rng); else g.Output.Remove(o);
                return "graph output";
            }
            default:
            {
                var graph = rng.Next(2) == 0 ? null : new GraphProto();
                if (rng.Next(2) == 0) model.Graph = graph; else model.IrVersion = rng.Next(-1, 12);
                return "model header";
            }
        }
    }

    private static AttributeProto AddAttribute(NodeProto node, string name)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int };
        node.Attribute.Add(a);
        return a;
    }
}
