namespace Analysis.Onnx.Tests;

/// <summary>Glob patterns, raw tensor names and hook map files resolve to the right tensors.</summary>
public sealed class HookResolutionTests
{
    private static readonly OnnxModel Llama = OnnxModel.Load(TestModels.Tiny("tiny_llama"));

    [Theory]
    [InlineData("blocks.*.hook_resid_post", "blocks.0.hook_resid_post,blocks.1.hook_resid_post")]
    [InlineData("blocks.{1,0}.attn.hook_pattern", "blocks.0.attn.hook_pattern,blocks.1.attn.hook_pattern")]
    [InlineData("blocks.1.hook_*_out", "blocks.1.hook_attn_out,blocks.1.hook_mlp_out")]
    [InlineData("hook_embed", "hook_embed")]
    [InlineData("*", "hook_embed")]
    public void GlobsMatchCanonicalNamesInModelOrder(string pattern, string expected)
    {
        var map = HookDiscovery.Discover(Llama);
        Assert.Equal(expected.Split(','), map.Resolve([pattern]).Select(h => h.Name));
    }

    [Fact]
    public void RawTensorNamesResolveToThemselves()
    {
        var map = HookDiscovery.Discover(Llama);
        var hooks = map.Resolve(["/layers.0/wq/MatMul_output_0", "blocks.0.hook_resid_pre", "blocks.*.hook_resid_pre"]);
        Assert.Equal(["blocks.0.hook_resid_pre", "blocks.1.hook_resid_pre", "/layers.0/wq/MatMul_output_0"], hooks.Select(h => h.Name));
        Assert.Equal("/layers.0/wq/MatMul_output_0", hooks[^1].Tensor);
    }

    [Theory]
    [InlineData("blocks.7.hook_resid_pre")]
    [InlineData("blocks.0.hook_nope")]
    [InlineData("blocks.{0,1.hook_resid_pre")]
    public void UnmatchedPatternsAreArgumentErrors(string pattern)
    {
        var map = HookDiscovery.Discover(Llama);
        var e = Assert.ThrowsAny<ArgumentException>(() => map.Resolve([pattern]));
        Assert.Contains(pattern, e.Message);
    }

    [Fact]
    public void UnavailableHooksSayWhy()
    {
        var map = HookDiscovery.Discover(OnnxModel.Load(TestModels.Tiny("tiny_neox")));
        var e = Assert.Throws<HookPatternException>(() => map.Resolve(["blocks.0.hook_resid_mid"]));
        Assert.Contains("parallel residual", e.Message);
    }

    [Fact]
    public void HookMapFileOverridesAddsAndRemoves()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp["map.json"], """
            {
              "format": "analysis-hook-map/1",
              "hooks": {
                "blocks.0.hook_resid_pre": "/layers.0/attention_norm/Mul_1_output_0",
                "blocks.0.attn.hook_q": "/layers.0/wq/MatMul_output_0",
                "blocks.1.attn.hook_pattern": null
              }
            }
            """);
        var map = HookDiscovery.Discover(Llama, HookMapFile.Load(tmp["map.json"]));
        Assert.Equal("/layers.0/attention_norm/Mul_1_output_0", map.Find("blocks.0.hook_resid_pre"));
        Assert.Equal("/layers.0/wq/MatMul_output_0", map.Find("blocks.0.attn.hook_q"));
        Assert.Null(map.Find("blocks.1.attn.hook_pattern"));
        Assert.Equal("/layers.1/Softmax_output_0".Replace("1", "0"), map.Find("blocks.0.attn.hook_pattern"));
        Assert.Equal(["blocks.0.attn.hook_q"], map.Resolve(["blocks.*.attn.hook_q"]).Select(h => h.Name));
    }

    [Fact]
    public void HookMapFileCanReplaceDiscovery()
    {
        using var tmp = new TempFolder();
        new HookMapFile(false, new Dictionary<string, string?> { ["my.hook"] = "/layers.1/Add_1_output_0" }).Save(tmp["map.json"]);
        var map = HookDiscovery.Discover(Llama, HookMapFile.Load(tmp["map.json"]));
        Assert.Equal(["my.hook"], map.Hooks.Select(h => h.Name));
    }

    [Theory]
    [InlineData("""{"hooks": {}}""", "format")]
    [InlineData("""{"format": "analysis-hook-map/1", "hooks": {"a": 3}}""", "'a'")]
    [InlineData("""{"format": "analysis-hook-map/1", "hooks": [1]}""", "object")]
    [InlineData("""{"format": "analysis-hook-map/1", """, "not valid JSON")]
    public void MalformedHookMapsAreInvalidData(string json, string expected)
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp["map.json"], json);
        var e = Assert.Throws<OnnxFormatException>(() => HookMapFile.Load(tmp["map.json"]));
        Assert.Contains(tmp["map.json"], e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void HookMapNamingAMissingTensorIsAnArgumentError()
    {
        var file = new HookMapFile(true, new Dictionary<string, string?> { ["x"] = "no_such_tensor" });
        var e = Assert.Throws<UnknownTensorException>(() => HookDiscovery.Discover(Llama, file));
        Assert.Contains("'x'", e.Message);
    }
}
