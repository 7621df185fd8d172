using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>
/// Finds hook points from the graph's structure, not its tensor names (docs/architecture.md): the residual stream is
/// the chain of Adds that starts at the token embedding lookup and ends at the final norm; each Add brings in a branch,
/// classified as attention (it contains a Softmax or a fused attention op), MLP (matrix products, no softmax) or
/// embedding (before the first block). Post-norm models (BERT) are followed through the norm after each Add.
/// </summary>
public static class HookDiscovery
{
    private static readonly HashSet<string> FusedAttention = ["Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention", "PackedMultiHeadAttention", "SparseAttention", "DecoderMaskedMultiHeadAttention"];
    private static readonly HashSet<string> Nonlinearities = ["Gelu", "FastGelu", "BiasGelu", "QuickGelu", "Erf", "Tanh", "Sigmoid", "Relu", "Softplus", "Mish", "HardSigmoid", "HardSwish", "LeakyRelu", "Elu", "Selu", "Celu"];

    /// <summary>Discovers hooks, then applies a user's hook map file (overrides, additions, removals) when given.</summary>
    public static HookMap Discover(OnnxModel model, HookMapFile? overrides = null, TensorTypeResolver? resolver = null)
    {
        var graph = model.Graph;
        var view = new GraphView(graph, model.InferTypes(resolver));
        var tensors = graph.Node.SelectMany(n => n.Output).Concat(graph.Input.Select(i => i.Name))
            .Concat(graph.Initializer.Select(t => t.Name)).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
        var found = overrides is { Discover: false }
            ? new Found([], [], "hooks from the hook map file only (discovery off)")
            : new Walk(view).Run();
        if (overrides is null) return new HookMap(found.Hooks, found.Unavailable, found.Structure, tensors);

        var hooks = found.Hooks.ToList();
        var unavailable = found.Unavailable.ToList();
        foreach (var (name, tensor) in overrides.Hooks)
        {
            var at = hooks.FindIndex(h => h.Name == name);
            if (tensor is null)
            {
                if (at >= 0) hooks.RemoveAt(at);
                continue;
            }
            if (!tensors.Contains(tensor)) throw new UnknownTensorException(tensor, $"the graph of '{model.Name}' (named by hook '{name}' of the hook map)");
            if (at >= 0) hooks[at] = new HookPoint(name, tensor);
            else hooks.Add(new HookPoint(name, tensor));
            unavailable.RemoveAll(u => u.Name == name);
        }
        return new HookMap(hooks, unavailable, found.Structure + "; hook map applied", tensors);
    }

    private sealed record Found(IReadOnlyList<HookPoint> Hooks, IReadOnlyList<UnavailableHook> Unavailable, string Structure);

    private sealed record Step(string Input, string Output, string? Branch, NodeProto Node, bool IsNorm);

    private sealed class Block
    {
        public required string ResidPre;
        public string? ResidMid, ResidPost, AttnOut, MlpOut, Pattern, MlpPost;
        public string? PatternMissing, MlpPostMissing, ResidMidMissing, ResidPostMissing;
        public bool Parallel;
    }

    private sealed class Walk(GraphView g)
    {
        private readonly List<UnavailableHook> _unavailable = [];

        public Found Run()
        {
            if (FindEmbedding() is not { } embed)
                return new Found([], [new UnavailableHook("*", NoEmbeddingReason())], "no transformer structure recognized");

            var (steps, end, fusedNote) = FollowStream(embed);
            // Every output of a fused skip+norm counts as stream: its normalized output already includes the residual sum.
            var stream = steps.SelectMany(s => s.Node.OpType == "Add" ? [s.Input, s.Output] : s.Node.Output.Append(s.Input))
                .Append(embed).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
            var blocks = BuildBlocks(steps, stream);
            if (blocks.Count > 0)
            {
                blocks[^1].ResidPost = end.Length > 0 ? end : null;
                blocks[^1].ResidPostMissing = fusedNote;
            }
            for (var i = 0; i + 1 < blocks.Count; i++) blocks[i].ResidPost = blocks[i + 1].ResidPre;

            var hooks = new List<HookPoint> { new(HookNames.Embed, embed) };
            for (var l = 0; l < blocks.Count; l++) AddBlock(hooks, l, blocks[l]);

            var postNorm = steps.Any(s => s.IsNorm);
            // A fused skip+norm that ends the stream normalizes it: that is the final norm.
            var final = fusedNote is not null && steps.Count > 0 ? new NormMatch("LayerNorm", steps[^1].Node.Output[0], steps[^1].Node) : NormMatcher.Match(g, end);
            if (final is not null && !postNorm) hooks.Add(new HookPoint(HookNames.FinalNormalized, final.Output));
            else _unavailable.Add(new UnavailableHook(HookNames.FinalNormalized, postNorm
                ? "post-norm model: each block ends in its own LayerNorm (that output is hook_resid_post) and there is no separate final norm"
                : fusedNote ?? "no LayerNorm or RMSNorm reads the last residual-stream tensor"));

            var norm = steps.Select(s => s.IsNorm ? NormMatcher.Match(g, s.Input)?.Kind : null).FirstOrDefault(k => k is not null)
                ?? final?.Kind ?? (blocks.Count > 0 ? NormMatcher.Match(g, blocks[0].ResidPre)?.Kind : null) ?? "unrecognized norm";
            var structure = $"{blocks.Count} blocks, {(postNorm ? "post-norm" : "pre-norm")}, "
                + $"{(blocks.Any(b => b.Parallel) ? "parallel" : "sequential")} residual, {norm}";
            return new Found(hooks, _unavailable, structure);
        }

        private void AddBlock(List<HookPoint> hooks, int l, Block b)
        {
            void Add(string name, string? tensor, string? whyMissing)
            {
                if (tensor is not null) hooks.Add(new HookPoint(name, tensor));
                else _unavailable.Add(new UnavailableHook(name, whyMissing ?? "not found in this block's structure"));
            }
            Add(HookNames.ResidPre(l), b.ResidPre, null);
            Add(HookNames.AttnPattern(l), b.Pattern, b.PatternMissing);
            Add(HookNames.AttnOut(l), b.AttnOut, "no attention branch was found in this block");
            Add(HookNames.ResidMid(l), b.ResidMid, b.ResidMidMissing);
            Add(HookNames.MlpPost(l), b.MlpPost, b.MlpPostMissing);
            Add(HookNames.MlpOut(l), b.MlpOut, "no MLP branch was found in this block");
            Add(HookNames.ResidPost(l), b.ResidPost, b.ResidPostMissing);
        }

        private string NoEmbeddingReason()
        {
            // Optimum's merged decoders keep every layer inside an If node; a subgraph's tensors cannot be graph outputs.
            if (g.Nodes.FirstOrDefault(n => n.OpType is "If" or "Loop" or "Scan") is { } control)
                return $"the layers are inside the subgraphs of {control.OpType} node '{control.Name}', whose tensors cannot be graph outputs as they are; "
                    + $"for an Optimum merged decoder (input {OnnxModel.CacheBranchInput}) fix the branch first with OnnxModel.SelectNoCacheBranch() "
                    + "(analysis inspect, expose and extract do), or export the model without the merge (optimum-cli without --legacy)";
            return "no token embedding lookup (Gather from a 2-D weight by an integer graph input) was found, so the residual stream cannot be traced; map hooks with a hook map file";
        }

        // The word embedding: Gather from a 2-D initializer by an integer graph input (prefer one called input_ids).
        private string? FindEmbedding()
        {
            var candidates = new List<(NodeProto Node, string Input, long Rows)>();
            foreach (var n in g.Nodes.Where(n => n.OpType == "Gather" && n.Input.Count == 2))
            {
                var table = g.Source(n.Input[0]);
                if (!g.Index.Initializers.TryGetValue(table, out var weights) || weights.Dims.Count != 2) continue;
                var indices = g.Source(n.Input[1]);
                if (!g.Index.Inputs.Contains(indices)) continue;
                candidates.Add((n, indices, weights.Dims[0]));
            }
            return candidates.OrderByDescending(c => c.Input == "input_ids").ThenByDescending(c => c.Rows)
                .Select(c => c.Node.Output[0]).FirstOrDefault();
        }

        private (List<Step> Steps, string End, string? FusedNote) FollowStream(string start)
        {
            var steps = new List<Step>();
            var t = start;
            string? fused = null;
            for (var guard = 0; guard < g.Nodes.Count; guard++)
            {
                if (ResidualAdd(t) is { } add)
                {
                    steps.Add(add);
                    t = add.Output;
                    if (t.Length == 0)
                    {
                        fused = $"the residual add is fused into {add.Node.OpType} node '{add.Node.Name}', whose sum output is not exposed";
                        break;
                    }
                    continue;
                }
                // Post-norm: the stream passes through the norm after each add (and ends at the last block's norm).
                var postNorm = steps.Any(s => s.IsNorm);
                if (NormMatcher.Match(g, t) is { } norm && (ResidualAdd(norm.Output) is not null || postNorm))
                {
                    steps.Add(new Step(t, norm.Output, null, norm.Core, IsNorm: true));
                    t = norm.Output;
                    continue;
                }
                break;
            }
            return (steps, t, fused);
        }

        // An Add (or fused skip+norm) that reads the stream tensor and a non-constant branch of the same rank.
        private Step? ResidualAdd(string t)
        {
            var rank = g.Rank(t);
            foreach (var (node, seen) in g.Consumers(t).OrderBy(c => g.OrderOf(c.Node)))
            {
                if (node.OpType == "Add" && node.Input.Count == 2)
                {
                    var other = node.Input[0] == seen ? node.Input[1] : node.Input[0];
                    if (other == seen || g.IsConstant(other)) continue;
                    if (rank is not null && g.Rank(node.Output[0]) is { } r && r != rank) continue;
                    return new Step(t, node.Output[0], other, node, IsNorm: false);
                }
                if (node.OpType is "SkipLayerNormalization" or "SkipSimplifiedLayerNormalization" && node.Input.Count >= 2
                    && (node.Input[0] == seen || node.Input[1] == seen))
                {
                    var other = node.Input[0] == seen ? node.Input[1] : node.Input[0];
                    var sum = node.Output.Count > 3 ? node.Output[3] : "";
                    return new Step(t, sum, other, node, IsNorm: false);
                }
            }
            return null;
        }

        private enum BranchKind { Embedding, Attention, Mlp, Both }

        private List<Block> BuildBlocks(List<Step> steps, HashSet<string> stream)
        {
            var blocks = new List<Block>();
            foreach (var step in steps.Where(s => !s.IsNorm))
            {
                var (kind, attn, mlp) = Classify(step.Branch!, stream);
                var current = blocks.Count > 0 ? blocks[^1] : null;
                if (kind == BranchKind.Embedding) continue;
                if (kind is BranchKind.Attention or BranchKind.Both || current is null || current.MlpOut is not null)
                {
                    current = new Block { ResidPre = step.Input };
                    blocks.Add(current);
                }
                if (kind is BranchKind.Attention or BranchKind.Both)
                {
                    current.AttnOut = attn;
                    (current.Pattern, current.PatternMissing) = FindPattern(attn!, stream);
                }
                if (kind is BranchKind.Mlp or BranchKind.Both)
                {
                    current.MlpOut = mlp;
                    (current.MlpPost, current.MlpPostMissing) = FindMlpPost(mlp!, stream);
                    var reads = g.Region(mlp!, stream).ReachedStops;
                    current.Parallel = kind == BranchKind.Both || (current.AttnOut is not null && reads.Contains(current.ResidPre) && !reads.Contains(step.Input));
                    if (current.Parallel)
                        current.ResidMidMissing = "parallel residual: attention and MLP both read hook_resid_pre, so there is no stream between them";
                    else if (current.AttnOut is not null) current.ResidMid = step.Input;
                    else current.ResidMidMissing = "this block has no attention branch before its MLP";
                }
            }
            return blocks;
        }

        private (BranchKind Kind, string? Attn, string? Mlp) Classify(string branch, HashSet<string> stream)
        {
            var kind = KindOf(branch, stream);
            // Parallel residual written as x + (attn + mlp): split the sum into its two branches.
            if (kind == BranchKind.Attention && g.Producer(g.Source(branch)) is { OpType: "Add" } sum && sum.Input.Count == 2
                && !g.IsConstant(sum.Input[0]) && !g.IsConstant(sum.Input[1]))
            {
                var a = KindOf(sum.Input[0], stream);
                var b = KindOf(sum.Input[1], stream);
                if (a == BranchKind.Attention && b == BranchKind.Mlp) return (BranchKind.Both, sum.Input[0], sum.Input[1]);
                if (b == BranchKind.Attention && a == BranchKind.Mlp) return (BranchKind.Both, sum.Input[1], sum.Input[0]);
            }
            return kind switch
            {
                BranchKind.Attention => (kind, branch, null),
                BranchKind.Mlp => (kind, null, branch),
                _ => (kind, null, null),
            };
        }

        private BranchKind KindOf(string branch, HashSet<string> stream)
        {
            var (nodes, reads) = g.Region(branch, stream);
            if (reads.Count == 0) return BranchKind.Embedding; // Does not read the stream: a positional or token-type embedding.
            if (nodes.Any(n => n.OpType == "Softmax" || FusedAttention.Contains(n.OpType))) return BranchKind.Attention;
            if (nodes.Any(n => n.OpType is "MatMul" or "Gemm" or "MatMulNBits" or "MatMulInteger")) return BranchKind.Mlp;
            return BranchKind.Embedding;
        }

        private (string?, string?) FindPattern(string attn, HashSet<string> stream)
        {
            var nodes = g.Region(attn, stream).Nodes;
            if (nodes.FirstOrDefault(n => FusedAttention.Contains(n.OpType)) is { } fused)
                return (null, $"attention is fused into {fused.OpType} node '{fused.Name}', so its softmax is not a graph tensor");
            var softmax = nodes.Where(n => n.OpType == "Softmax").ToList();
            return softmax.Count == 0 ? (null, "no Softmax was found in the attention branch") : (softmax[^1].Output[0], null);
        }

        // The down projection's input: walk back from the branch output through bias adds, reshapes and noise to the
        // last matrix product; its non-weight input is the post-nonlinearity activation.
        private (string?, string?) FindMlpPost(string mlp, HashSet<string> stream)
        {
            var t = mlp;
            for (var guard = 0; guard < 16; guard++)
            {
                var p = g.Producer(t);
                if (p is null) break;
                if (p.OpType is "MatMul" or "Gemm")
                {
                    var activation = g.IsConstant(p.Input[0]) ? p.Input[1] : p.Input[0];
                    while (g.Producer(activation) is { OpType: "Reshape" or "Flatten" or "Identity" or "Cast" } r) activation = r.Input[0];
                    var region = g.Region(activation, stream).Nodes;
                    var nonlinearity = region.LastOrDefault(n => Nonlinearities.Contains(n.OpType));
                    return nonlinearity is null
                        ? (null, $"no nonlinearity was found before the MLP's down projection ('{p.Name}')")
                        : (activation, null);
                }
                if (GraphView.IsNoise(p) || p.OpType is "Reshape" or "Flatten") { t = p.Input[0]; continue; }
                if (p.OpType is "Add" && p.Input.Count == 2 && (g.IsConstant(p.Input[0]) || g.IsConstant(p.Input[1])))
                {
                    t = g.IsConstant(p.Input[0]) ? p.Input[1] : p.Input[0];
                    continue;
                }
                break;
            }
            return (null, "the MLP branch does not end in a matrix product (down projection)");
        }
    }
}
