using Analysis.Onnx.Proto;
using Xunit.Abstractions;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx.Tests;

/// <summary>
/// Discovery reads structure, never names; torch names each node after the module that emitted it, so those names are
/// an independent answer key: e.g. hook_mlp_out must come out of the module that is the down projection.
/// </summary>
public sealed class HookDiscoveryTests(ITestOutputHelper output)
{
    /// <summary>Module scopes per model ({L} is the layer). Pre-norm: which norm reads resid_pre/mid/last; post-norm: which norm writes them.</summary>
    /// <summary>NoCacheBranch: an Optimum merged decoder, fixed to its no-cache If branch before discovery.</summary>
    public sealed record Expected(string Path, int Blocks, string AttnOut, string Down, string PreNorm, string? MidNorm, string? FinalNorm, bool Parallel = false, bool PostNorm = false, bool NoCacheBranch = false);

    public static TheoryData<string> Models => new(Cases.Keys);

    private static readonly Dictionary<string, Expected> Cases = new()
    {
        ["tiny_llama"] = new(TestModels.Tiny("tiny_llama"), 2, "/layers.{L}/wo/", "/layers.{L}/w2/", "/layers.{L}/attention_norm/", "/layers.{L}/ffn_norm/", "/norm/"),
        ["tiny_gpt2"] = new(TestModels.Tiny("tiny_gpt2"), 2, "/h.{L}/c_proj/", "/h.{L}/mlp_proj/", "/h.{L}/ln_1/", "/h.{L}/ln_2/", "/ln_f/"),
        ["tiny_gpt2_opset14"] = new(TestModels.Tiny("tiny_gpt2_opset14"), 2, "/h.{L}/c_proj/", "/h.{L}/mlp_proj/", "/h.{L}/ln_1/", "/h.{L}/ln_2/", "/ln_f/"),
        ["tiny_neox"] = new(TestModels.Tiny("tiny_neox"), 2, "/layers.{L}/dense/", "/layers.{L}/down/", "/layers.{L}/input_layernorm/", null, "/final_layer_norm/", Parallel: true),
        ["tiny_bert"] = new(TestModels.Tiny("tiny_bert"), 2, "/layers.{L}/o/", "/layers.{L}/output/", "/ln/", "/layers.{L}/ln_attn/", "/layers.{L}/ln_out/", PostNorm: true),
        ["stories260k"] = new(Repo("stories260k"), 5, "/layers.{L}/self_attn/o_proj/", "/layers.{L}/mlp/down_proj/", "/layers.{L}/input_layernorm/", "/layers.{L}/post_attention_layernorm/", "/norm/"),
        ["gpt2-tiny"] = new(Repo("gpt2-tiny"), 3, "/h.{L}/attn/c_proj/", "/h.{L}/mlp/c_proj/", "/h.{L}/ln_1/", "/h.{L}/ln_2/", "/ln_f/"),
        ["neox-tiny"] = new(Repo("neox-tiny"), 3, "/layers.{L}/attention/dense/", "/layers.{L}/mlp/dense_4h_to_h/", "/layers.{L}/input_layernorm/", null, "/final_layer_norm/", Parallel: true),
        ["gpt2-tiny-optimum"] = new(Repo("gpt2-tiny-optimum"), 3, "/transformer/h.{L}/attn/c_proj/", "/transformer/h.{L}/mlp/c_proj/", "/transformer/h.{L}/ln_1/", "/transformer/h.{L}/ln_2/", "/transformer/ln_f/"),
        ["gpt2-tiny-optimum-merged"] = new(Merged, 3, "/transformer/h.{L}/attn/c_proj/", "/transformer/h.{L}/mlp/c_proj/", "/transformer/h.{L}/ln_1/", "/transformer/h.{L}/ln_2/", "/transformer/ln_f/", NoCacheBranch: true),
        ["bert-tiny"] = new(Repo("bert-tiny"), 2, "/layer.{L}/attention_output/dense/", "/layer.{L}/output/dense/", "/embeddings/LayerNorm/", "/layer.{L}/attention_output/LayerNorm/", "/layer.{L}/output/LayerNorm/", PostNorm: true),
    };

    private static string Repo(string name) => Path.Combine(TestModels.RepositoryRoot, "onnx-models", name, "model.onnx");

    private static string Merged => Path.Combine(TestModels.RepositoryRoot, "onnx-models", "gpt2-tiny-optimum", "decoder_model_merged.onnx");

    [Theory]
    [MemberData(nameof(Models))]
    public void FindsEveryHookWhereTheModuleNamesSayItIs(string name)
    {
        var e = Cases[name];
        Assert.True(File.Exists(e.Path), $"{e.Path} is missing (reference models come from the 'models' branch: onnx-models/)");
        var model = OnnxModel.Load(e.Path);
        if (e.NoCacheBranch) Assert.NotNull(model.SelectNoCacheBranch());
        var map = HookDiscovery.Discover(model);
        output.WriteLine(map.Structure);
        foreach (var h in map.Hooks) output.WriteLine($"{h.Name} -> {h.Tensor}");
        foreach (var u in map.Unavailable) output.WriteLine($"unavailable {u.Name}: {u.Reason}");

        var nodes = model.Graph.Node;
        NodeProto Producer(string t) => nodes.Single(n => n.Output.Contains(t));
        IEnumerable<NodeProto> Consumers(string t) => nodes.Where(n => n.Input.Contains(t));
        string Hook(string hook) => map.Find(hook) ?? throw new Xunit.Sdk.XunitException($"{name}: {hook} not found");
        string Scope(string pattern, int l) => pattern.Replace("{L}", l.ToString());

        Assert.Contains($"{e.Blocks} blocks", map.Structure);
        Assert.Contains(e.PostNorm ? "post-norm" : "pre-norm", map.Structure);
        Assert.Contains(e.Parallel ? "parallel" : "sequential", map.Structure);
        var embed = Producer(Hook(HookNames.Embed));
        Assert.Equal("Gather", embed.OpType);
        Assert.Contains(model.Graph.Initializer, t => t.Name == embed.Input[0] && t.Dims.Count == 2);

        for (var l = 0; l < e.Blocks; l++)
        {
            Assert.Equal("Softmax", Producer(Hook(HookNames.AttnPattern(l))).OpType);
            Assert.StartsWith(Scope(e.AttnOut, l), Producer(Hook(HookNames.AttnOut(l))).Name);
            Assert.StartsWith(Scope(e.Down, l), Producer(Hook(HookNames.MlpOut(l))).Name);
            var down = Assert.Single(Consumers(Hook(HookNames.MlpPost(l))));
            Assert.StartsWith(Scope(e.Down, l), down.Name);
            Assert.Equal("MatMul", down.OpType);

            var pre = Hook(HookNames.ResidPre(l));
            var post = Hook(HookNames.ResidPost(l));
            if (e.PostNorm)
            {
                Assert.StartsWith(l == 0 ? e.PreNorm : Scope(e.FinalNorm!, l - 1), Producer(pre).Name);
                Assert.StartsWith(Scope(e.MidNorm!, l), Producer(Hook(HookNames.ResidMid(l))).Name);
                Assert.StartsWith(Scope(e.FinalNorm!, l), Producer(post).Name);
            }
            else
            {
                Assert.Contains(Consumers(pre), n => n.Name.StartsWith(Scope(e.PreNorm, l), StringComparison.Ordinal));
                var next = l + 1 < e.Blocks ? Scope(e.PreNorm, l + 1) : e.FinalNorm!;
                Assert.Contains(Consumers(post), n => n.Name.StartsWith(next, StringComparison.Ordinal));
                if (e.Parallel)
                    Assert.Contains(map.Unavailable, u => u.Name == HookNames.ResidMid(l) && u.Reason.Contains("parallel"));
                else
                    Assert.Contains(Consumers(Hook(HookNames.ResidMid(l))), n => n.Name.StartsWith(Scope(e.MidNorm!, l), StringComparison.Ordinal));
            }
            if (l + 1 < e.Blocks) Assert.Equal(post, Hook(HookNames.ResidPre(l + 1)));
        }
        if (e.PostNorm)
            Assert.Contains(map.Unavailable, u => u.Name == HookNames.FinalNormalized && u.Reason.Contains("post-norm"));
        else
        {
            Assert.StartsWith(e.FinalNorm!, Producer(Hook(HookNames.FinalNormalized)).Name);
            // The final norm's output (after gain and bias) is what the unembedding multiplies.
            Assert.Contains(Consumers(Hook(HookNames.FinalNormalized)), n => n.OpType == "MatMul");
        }
        var expectedUnavailable = (e.Parallel ? e.Blocks : 0) + (e.PostNorm ? 1 : 0);
        Assert.Equal(expectedUnavailable, map.Unavailable.Count);
        Assert.Equal(1 + e.Blocks * (e.Parallel ? 6 : 7) + (e.PostNorm ? 0 : 1), map.Hooks.Count);
    }

    [Fact]
    public void FusedContribOpsMakeHooksUnavailableWithReasons()
    {
        const int D = 4;
        float[] Weights(int n) => Enumerable.Range(0, n).Select(i => i * 0.01f).ToArray();
        var model = new GraphBuilder(17)
            .Input("input_ids", DataType.Int64, "batch", "sequence")
            .Initializer("emb", Weights(10 * D), 10, D)
            .Initializer("g", Weights(D), D).Initializer("b", Weights(D), D)
            .Initializer("wq", Weights(D * D), D, D).Initializer("wk", Weights(D * D), D, D).Initializer("wv", Weights(D * D), D, D)
            .Initializer("wo", Weights(D * D), D, D).Initializer("w1", Weights(D * 8), D, 8).Initializer("w2", Weights(8 * D), 8, D)
            .Node("Gather", ["emb", "input_ids"], ["e"])
            .Node("LayerNormalization", ["e", "g", "b"], ["ln1"])
            .Node("MatMul", ["ln1", "wq"], ["q"]).Node("MatMul", ["ln1", "wk"], ["k"]).Node("MatMul", ["ln1", "wv"], ["v"])
            .Node("MultiHeadAttention", "com.microsoft", ["q", "k", "v"], ["attn"], ("num_heads", 2L))
            .Node("MatMul", ["attn", "wo"], ["o"])
            .Node("SkipLayerNormalization", "com.microsoft", ["o", "e", "g", "b"], ["ln2", "", "", "resid_mid"])
            .Node("MatMul", ["ln2", "w1"], ["h"])
            .Node("Gelu", "com.microsoft", ["h"], ["act"])
            .Node("MatMul", ["act", "w2"], ["m"])
            .Node("SkipLayerNormalization", "com.microsoft", ["m", "resid_mid", "g", "b"], ["final"])
            .Output("final")
            .Build();

        var map = HookDiscovery.Discover(model);

        Assert.Equal("e", map.Find(HookNames.ResidPre(0)));
        Assert.Equal("o", map.Find(HookNames.AttnOut(0)));
        Assert.Equal("resid_mid", map.Find(HookNames.ResidMid(0)));
        Assert.Equal("act", map.Find(HookNames.MlpPost(0)));
        Assert.Equal("m", map.Find(HookNames.MlpOut(0)));
        Assert.Equal("final", map.Find(HookNames.FinalNormalized));
        var pattern = Assert.Single(map.Unavailable, u => u.Name == HookNames.AttnPattern(0));
        Assert.Contains("MultiHeadAttention", pattern.Reason);
        var post = Assert.Single(map.Unavailable, u => u.Name == HookNames.ResidPost(0));
        Assert.Contains("SkipLayerNormalization", post.Reason);
        var e = Assert.Throws<HookPatternException>(() => map.Resolve(["blocks.0.attn.hook_pattern"]));
        Assert.Contains("fused into MultiHeadAttention", e.Message);
    }

    [Fact]
    public void AMergedDecoderLeftAsItIsSaysItsLayersAreInsideTheIfNode()
    {
        var map = HookDiscovery.Discover(OnnxModel.Load(Merged));
        Assert.Empty(map.Hooks);
        var reason = Assert.Single(map.Unavailable).Reason;
        Assert.Contains("If node 'optimum::if'", reason);
        Assert.Contains("SelectNoCacheBranch", reason);
        var e = Assert.Throws<HookPatternException>(() => map.Resolve(["blocks.*.hook_resid_post"]));
        Assert.Contains("inside the subgraphs of If node 'optimum::if'", e.Message);
    }

    [Fact]
    public void AGraphWithoutAnEmbeddingReportsWhy()
    {
        var map = HookDiscovery.Discover(OnnxModel.Load("/usr/share/libonnx-testdata/data/simple/test_single_relu_model/model.onnx"));
        Assert.Empty(map.Hooks);
        Assert.Contains("embedding", Assert.Single(map.Unavailable).Reason);
    }
}
