using Analysis.Extraction;
using Analysis.Onnx;
using Analysis.Onnx.Proto;
using Analysis.Runtime;

namespace Analysis.Interventions;

/// <summary>
/// A model with interventions compiled into its graph as extra inputs, and optionally hooks exposed as outputs (read
/// after the edits), ready to run. Each run feeds every edit per batch row (<see cref="InterventionFeed"/>); edits left
/// neutral leave the outputs bit-identical to the unedited model's.
/// </summary>
public sealed class InterventionModel : IDisposable
{
    private readonly ModelInputs _modelInputs;
    private readonly Dictionary<InterventionPoint, InterventionInputs> _edits;

    private InterventionModel(InferenceSession session, Dictionary<InterventionPoint, InterventionInputs> edits,
        IReadOnlyDictionary<string, string> hookOutputs, IReadOnlyDictionary<string, int> widths, IReadOnlyDictionary<string, HeadOutputs> heads,
        IReadOnlyDictionary<string, Sae.Sae> saes, string logits)
    {
        Saes = saes;
        Session = session;
        _edits = edits;
        HookOutputs = hookOutputs;
        Widths = widths;
        Heads = heads;
        LogitsOutput = logits;
        var editInputs = edits.Values.SelectMany(e => e.Inputs.Values).ToHashSet(StringComparer.Ordinal);
        _modelInputs = new ModelInputs(session.Inputs.Where(i => !editInputs.Contains(i.Name)).ToList());
    }

    /// <summary>The running session.</summary>
    public InferenceSession Session { get; }

    /// <summary>The edits the graph carries.</summary>
    public IReadOnlyCollection<InterventionPoint> Points => _edits.Keys;

    /// <summary>Hook name → graph output of each exposed hook.</summary>
    public IReadOnlyDictionary<string, string> HookOutputs { get; }

    /// <summary>Channel width (last axis) of every edited or exposed hook.</summary>
    public IReadOnlyDictionary<string, int> Widths { get; }

    /// <summary>Per-head output layouts of the <c>blocks.L.attn.hook_z</c> hooks used.</summary>
    public IReadOnlyDictionary<string, HeadOutputs> Heads { get; }

    /// <summary>The SAE spliced in at each hook carrying a <see cref="EditKind.Feature"/> edit.</summary>
    public IReadOnlyDictionary<string, Sae.Sae> Saes { get; }

    /// <summary>The logits output's name.</summary>
    public string LogitsOutput { get; }

    /// <summary>
    /// Loads <paramref name="modelPath"/>, finds the hooks, splices the edits in and exposes <paramref name="readHooks"/>.
    /// Hooks named <c>blocks.L.attn.hook_z</c> are the per-head outputs before the attention output projection.
    /// </summary>
    public static InterventionModel Open(string modelPath, IReadOnlyList<InterventionPoint> points, IReadOnlyList<string>? readHooks = null,
        SessionOptions? options = null, string? hookMapPath = null)
    {
        var model = OnnxModel.Load(modelPath);
        model.SelectNoCacheBranch();
        var map = HookDiscovery.Discover(model, hookMapPath is null ? null : HookMapFile.Load(hookMapPath));
        var heads = new Dictionary<string, HeadOutputs>(StringComparer.Ordinal);
        var wanted = points.Select(p => p.Hook).Concat(readHooks ?? []).Distinct(StringComparer.Ordinal).ToList();
        var tensors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var hook in wanted) tensors[hook] = Resolve(model, map, hook, heads);
        var types = model.InferTypes();
        var widths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (hook, tensor) in tensors)
        {
            var last = types[tensor].Shape is { Count: > 0 } s ? s[^1].Value : null;
            widths[hook] = last is { } w ? checked((int)w) : throw new BadInputException($"Hook '{hook}' has shape {types[tensor].ShapeText} without a fixed channel width; interventions need a static last axis.");
        }

        var edits = new Dictionary<InterventionPoint, InterventionInputs>();
        var saes = new Dictionary<string, Sae.Sae>(StringComparer.Ordinal);
        foreach (var point in points.Distinct())
        {
            try
            {
                edits[point] = point.Kind switch
                {
                    EditKind.Steer => model.AddSteering(tensors[point.Hook], point.Prefix),
                    EditKind.Replace => model.AddReplacement(tensors[point.Hook], point.Prefix),
                    _ => AddFeatureEdit(model, point, tensors[point.Hook], saes),
                };
            }
            catch (ArgumentException e) { throw new BadInputException($"Cannot intervene on hook '{point.Hook}': {e.Message}", e); }
        }
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (readHooks is { Count: > 0 })
        {
            var added = model.AddOutputs(readHooks.Select(h => tensors[h]));
            foreach (var h in readHooks) outputs[h] = added[tensors[h]];
        }
        var logits = model.Graph.Output.Any(o => o.Name == "logits") ? "logits" : model.Graph.Output[0].Name;
        var session = OpenSession(model, options ?? SessionOptions.Default);
        return new InterventionModel(session, edits, outputs, widths, heads, saes, logits);
    }

    // The SAE's own ONNX export (or one made from its weights) spliced in with its error term.
    private static InterventionInputs AddFeatureEdit(OnnxModel model, InterventionPoint point, string tensor, Dictionary<string, Sae.Sae> saes)
    {
        if (point.Sae is not { } folder || !Sae.Sae.Exists(folder))
            throw new BadInputException($"'{point.Sae}' is not an SAE folder (no {Sae.Sae.ConfigFile} and {Sae.Sae.WeightsFile}); pass the folder 'analysis sae train' wrote.");
        if (saes.ContainsKey(point.Hook)) throw new BadInputException($"Hook '{point.Hook}' already carries an SAE; edit features of one SAE per hook.");
        var sae = Sae.Sae.Load(folder);
        var onnx = Path.Combine(folder, Sae.Sae.OnnxFile);
        var graph = ModelProto.Parser.ParseFrom(File.Exists(onnx) ? File.ReadAllBytes(onnx) : Sae.SaeOnnx.Export(sae)).Graph;
        var inputs = model.AddFeatureEdit(tensor, point.Prefix, graph, "latents", "W_dec");
        saes[point.Hook] = sae;
        return inputs;
    }

    private static string Resolve(OnnxModel model, HookMap map, string hook, Dictionary<string, HeadOutputs> heads)
    {
        var parts = hook.Split('.');
        if (parts is ["blocks", var layer, "attn", "hook_z"] && int.TryParse(layer, out var l))
        {
            var attnOut = map.Find(HookNames.AttnOut(l)) ?? throw new BadInputException($"Hook '{hook}' needs block {l}'s attention output, which this model lacks; run 'analysis inspect MODEL' to list its hooks.");
            var pattern = map.Find(HookNames.AttnPattern(l)) ?? throw new BadInputException($"Hook '{hook}' needs block {l}'s attention pattern to count heads, which this model lacks (fused attention?).");
            try { heads[hook] = HeadOutputs.Find(model, attnOut, pattern); }
            catch (ArgumentException e) { throw new BadInputException(e.Message, e); }
            return heads[hook].Tensor;
        }
        try
        {
            var resolved = map.Resolve([hook]);
            if (resolved.Count != 1) throw new BadInputException($"'{hook}' names {resolved.Count} hooks; name exactly one hook per intervention.");
            return resolved[0].Tensor;
        }
        catch (ArgumentException e) { throw new BadInputException(e.Message, e); }
    }

    // Models with external weights are saved into the cache next to hard links of their weights; others run from memory.
    private static InferenceSession OpenSession(OnnxModel model, SessionOptions options)
    {
        if (model.ExternalData.Count == 0) return InferenceSession.FromBytes(model.ToBytes(), options);
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model.ToBytes()))[..24];
        var path = Path.Combine(AnalysisCache.Folder(AnalysisCache.HookedFolder, "intervened-" + key), "model.onnx");
        if (!File.Exists(path)) model.Save(path);
        return InferenceSession.Open(path, options);
    }

    /// <summary>Whether the graph carries this edit.</summary>
    public bool Has(InterventionPoint point) => _edits.ContainsKey(point);

    /// <summary>A feed for a right-padded batch of token rows (all edits neutral until set).</summary>
    public InterventionFeed CreateFeed(IReadOnlyList<int[]> rows) => new(this, rows, _edits);

    /// <summary>Runs the batch with its feed; returns the logits and every exposed hook (all [batch, positions, …]).</summary>
    public RunResults Run(InterventionFeed feed, long padId = 0)
    {
        var inputs = _modelInputs.Build(feed.Rows, feed.Length, padId);
        foreach (var (name, tensor) in feed.Tensors()) inputs[name] = tensor;
        return Session.Run(inputs, [LogitsOutput, .. HookOutputs.Values]);
    }

    /// <inheritdoc/>
    public void Dispose() => Session.Dispose();
}
