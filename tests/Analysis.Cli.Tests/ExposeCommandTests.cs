using System.Text.Json;
using Analysis.Onnx;
using Analysis.Onnx.Proto;
using Google.Protobuf;
using static Analysis.Cli.Tests.InspectCommandTests;

namespace Analysis.Cli.Tests;

/// <summary>`analysis expose` writes a model with the chosen hooks as outputs, or nothing at all on bad input.</summary>
public sealed class ExposeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("analysis-expose-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Out(string name = "out.onnx") => Path.Combine(_dir, name);

    [Fact]
    public async Task ExposesTheResidualStreamOfTheLlamaModel()
    {
        var (code, output, error) = await Run("expose", Model("stories260k"), "--hooks", "blocks.*.hook_resid_post", "hook_embed", "-o", Out());
        Assert.True(code == 0, error);

        var exposed = OnnxModel.Load(Out());
        var original = OnnxModel.Load(Model("stories260k"));
        var map = HookDiscovery.Discover(original);
        var mapping = exposed.ExposedHookOutputs();
        Assert.Equal(["hook_embed", .. Enumerable.Range(0, 5).Select(HookNames.ResidPost)], mapping.Keys);
        foreach (var (hook, outputName) in mapping)
        {
            Assert.Equal(map.Find(hook), outputName); // Outputs keep the tensor's own name.
            var declared = TensorType.FromValueInfo(exposed.Graph.Output.Single(o => o.Name == outputName))!;
            Assert.Equal("float[batch, sequence, 64]", declared.ToString());
            Assert.Contains($"{hook}", output);
        }
        Assert.Equal("logits", exposed.Graph.Output[0].Name); // The original outputs stay first.
        Assert.Equal(original.Graph.Node.Count, exposed.Graph.Node.Count);
    }

    /// <summary>Tensors inside an If branch cannot be outputs: the exposed merged decoder is its no-cache decoder, with no cache inputs left to mislead.</summary>
    [Fact]
    public async Task ExposingAMergedOptimumDecoderWritesItsNoCacheDecoder()
    {
        var merged = Path.Combine(Root, "onnx-models", "gpt2-tiny-optimum", "decoder_model_merged.onnx");
        var (code, output, error) = await Run("expose", merged, "--hooks", "blocks.*.hook_resid_post", "blocks.1.attn.hook_pattern", "-o", Out());
        Assert.True(code == 0, error);
        Assert.Contains("branch fixed: use_cache_branch = false", output);

        var exposed = OnnxModel.Load(Out());
        Assert.Equal(["input_ids", "attention_mask", "position_ids"], exposed.Graph.Input.Select(i => i.Name));
        Assert.DoesNotContain(exposed.Graph.Node, n => n.OpType == "If");
        Assert.Equal(4, exposed.ExposedHookOutputs().Count);
        Assert.Equal(["logits", "present.0.key"], exposed.Graph.Output.Take(2).Select(o => o.Name));
        Assert.Equal(7 + 4, exposed.Graph.Output.Count);
    }

    [Fact]
    public async Task RawTensorsAndHookMapsWorkAndJsonReportsTheMapping()
    {
        var hookMap = Path.Combine(_dir, "hooks.json");
        File.WriteAllText(hookMap, """{"format": "analysis-hook-map/1", "hooks": {"blocks.0.attn.hook_q": "/h.0/attn/Split_output_0"}}""");
        var (code, output, error) = await Run("expose", Model("gpt2-tiny"), "--hooks", "blocks.0.attn.hook_q", "blocks.{0,2}.mlp.hook_post",
            "--tensors", "input_ids", "--hook-map", hookMap, "-o", Out(), "--json");
        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        var hooks = json.GetProperty("hooks").EnumerateArray().ToDictionary(h => h.GetProperty("name").GetString()!, h => h.GetProperty("output").GetString()!);
        Assert.Equal("/h.0/attn/Split_output_0", hooks["blocks.0.attn.hook_q"]);
        Assert.Equal("input_ids_output", hooks["input_ids"]); // a graph input is passed through an Identity
        Assert.Equal(4, hooks.Count);
        Assert.Equal(hooks, OnnxModel.Load(Out()).ExposedHookOutputs());
    }

    [Theory]
    [InlineData("blocks.9.hook_resid_post", "matches no hook point")]
    [InlineData("blocks.0.hook_resid_mid", "parallel residual")]
    public async Task UnresolvableHooksAreExitTwoAndWriteNothing(string hook, string reason)
    {
        var (code, output, error) = await Run("expose", Model("neox-tiny"), "--hooks", hook, "-o", Out());
        Assert.Equal(2, code);
        Assert.Contains(reason, error);
        Assert.Empty(output);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task UnknownTensorIsExitTwoAndWritesNothing()
    {
        var (code, _, error) = await Run("expose", Model("gpt2-tiny"), "--tensors", "not_a_tensor", "-o", Out());
        Assert.Equal(2, code);
        Assert.Contains("'not_a_tensor'", error);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task OtherBadArgumentsAreExitTwo()
    {
        Assert.Equal(2, (await Run("expose", Model("gpt2-tiny"), "-o", Out())).Code); // nothing to expose
        Assert.Equal(2, (await Run("expose", Model("gpt2-tiny"), "--hooks", "hook_embed")).Code); // no -o
        Assert.Equal(2, (await Run("expose", Model("gpt2-tiny"), "--hooks", "hook_embed", "-o", Path.Combine(_dir, "missing", "x.onnx"))).Code);
        Assert.Equal(2, (await Run("expose", Model("gpt2-tiny"), "--hooks", "hook_embed", "-o", Model("gpt2-tiny"))).Code);
        var truncated = Out("truncated.onnx");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Model("gpt2-tiny"))[..5000]);
        var (code, _, error) = await Run("expose", truncated, "--hooks", "hook_embed", "-o", Out());
        Assert.Equal(2, code);
        Assert.Contains("truncated", error);
        Assert.False(File.Exists(Out()));
    }

    [Fact]
    public async Task ExternalWeightsAreLinkedNotCopied()
    {
        // Move the weights of a reference model into an external file, as exporters do for models over 2 GB.
        var source = Directory.CreateDirectory(Path.Combine(_dir, "src")).FullName;
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Model("gpt2-tiny")));
        using (var weights = File.Create(Path.Combine(source, "weights.bin")))
            foreach (var t in model.Graph.Initializer.Where(t => t.RawData.Length > 1024))
            {
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
                t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = weights.Position.ToString() });
                t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = t.RawData.Length.ToString() });
                weights.Write(t.RawData.Span);
                t.ClearRawData();
                t.DataLocation = TensorProto.Types.DataLocation.External;
            }
        File.WriteAllBytes(Path.Combine(source, "model.onnx"), model.ToByteArray());

        var (inspectCode, inspected, _) = await Run("inspect", Path.Combine(source, "model.onnx"));
        Assert.Equal(0, inspectCode);
        Assert.Contains($"external {Path.Combine(source, "weights.bin")}", inspected);

        var target = Directory.CreateDirectory(Path.Combine(_dir, "dst")).FullName;
        var (code, output, error) = await Run("expose", Path.Combine(source, "model.onnx"), "--hooks", "blocks.*.hook_resid_pre", "-o", Path.Combine(target, "hooked.onnx"));
        Assert.True(code == 0, error);
        Assert.Contains("hard-linked", output);
        var original = OnnxModel.Load(Model("gpt2-tiny"));
        var hooked = OnnxModel.Load(Path.Combine(target, "hooked.onnx"));
        Assert.True(new FileInfo(Path.Combine(target, "hooked.onnx")).Length < 100_000);
        foreach (var t in original.Graph.Initializer.Where(t => t.RawData.Length > 1024))
            Assert.Equal(t.RawData.ToByteArray(), hooked.ReadTensorData(t.Name));
    }
}
