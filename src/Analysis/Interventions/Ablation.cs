using Analysis.Datasets;

namespace Analysis.Interventions;

/// <summary>
/// Ablations of a whole hook, an attention head (its channels of <c>blocks.L.attn.hook_z</c>) or an MLP neuron (a channel
/// of <c>blocks.L.mlp.hook_post</c>), fed through a replacement edit. Each call sets one batch row.
/// </summary>
public static class Ablation
{
    /// <summary>The channels of head <paramref name="head"/> in a block's per-head outputs.</summary>
    public static int[] HeadChannels(InterventionModel model, string hookZ, int head)
    {
        if (!model.Heads.TryGetValue(hookZ, out var layout))
            throw new BadInputException($"'{hookZ}' is not a per-head output hook of this model; name blocks.L.attn.hook_z.");
        if (head < 0 || head >= layout.Heads) throw new BadInputException($"Head {head} is out of range: '{hookZ}' has {layout.Heads} heads (0 to {layout.Heads - 1}).");
        return [.. Enumerable.Range(head * layout.HeadDim, layout.HeadDim)];
    }

    /// <summary>The per-channel mean of a hook over every row of an activation dataset.</summary>
    public static float[] DatasetMean(string data, string hook)
    {
        using var table = ActivationTable.Open(data);
        double[]? sum = null;
        long rows = 0;
        foreach (var chunk in table.ReadChunks(hook))
        {
            sum ??= new double[chunk.Columns];
            for (var i = 0; i < chunk.Rows; i++)
            {
                var row = chunk.Row(i);
                for (var j = 0; j < row.Length; j++) sum[j] += row[j];
            }
            rows += chunk.Rows;
        }
        if (sum is null || rows == 0) throw new BadInputException($"Hook {hook} in {data} has no rows; extract a dataset with that hook first.");
        return [.. sum.Select(s => (float)(s / rows))];
    }

    /// <summary>
    /// Replaces <paramref name="channels"/> (null: all) of <paramref name="hook"/> in <paramref name="row"/> at
    /// <paramref name="positions"/> (null: all of the row) with zero (<paramref name="values"/> null), a per-channel mean
    /// (hook width values), or a resampled activation ([positions, width] values of the row's length).
    /// </summary>
    public static void Apply(InterventionFeed feed, InterventionModel model, string hook, int row, AblationKind kind,
        IReadOnlyList<int>? channels = null, IReadOnlyList<int>? positions = null, float[]? values = null)
    {
        var d = model.Widths[hook];
        var length = feed.Rows[row].Length;
        var expected = kind switch { AblationKind.Zero => 0, AblationKind.Mean => d, _ => length * d };
        if ((values?.Length ?? 0) != expected)
            throw new BadInputException($"A {kind} ablation of '{hook}' takes {expected} values, not {values?.Length ?? 0}.");
        foreach (var c in channels ?? [])
            if (c < 0 || c >= d) throw new BadInputException($"Channel {c} is out of range for hook '{hook}', which has {d} channels.");
        var keep = feed.Keep(hook);
        var fed = feed.Values(hook);
        foreach (var t in positions ?? [.. Enumerable.Range(0, length)])
            foreach (var c in channels ?? [.. Enumerable.Range(0, d)])
            {
                var i = (row * feed.Length + t) * d + c;
                keep[i] = false;
                fed[i] = kind switch { AblationKind.Zero => 0f, AblationKind.Mean => values![c], _ => values![t * d + c] };
            }
    }

    /// <summary>
    /// Ablates SAE <paramref name="features"/> of the SAE spliced at <paramref name="hook"/> in <paramref name="row"/> at
    /// <paramref name="positions"/> (null: all of the row): to zero (<paramref name="values"/> null), to a per-feature
    /// mean (one value per feature of the SAE), or to a resampled latent ([positions, features] values of the row's length).
    /// </summary>
    public static void ApplyFeatures(InterventionFeed feed, InterventionModel model, string hook, int row, AblationKind kind,
        IReadOnlyList<int> features, IReadOnlyList<int>? positions = null, float[]? values = null)
    {
        if (!model.Saes.TryGetValue(hook, out var sae)) throw new BadInputException($"No SAE is spliced in at '{hook}'; build the model with a feature edit there.");
        var m = sae.DSae;
        var length = feed.Rows[row].Length;
        var expected = kind switch { AblationKind.Zero => 0, AblationKind.Mean => m, _ => length * m };
        if ((values?.Length ?? 0) != expected)
            throw new BadInputException($"A {kind} ablation of SAE features at '{hook}' takes {expected} values, not {values?.Length ?? 0}.");
        foreach (var t in positions ?? [.. Enumerable.Range(0, length)])
            foreach (var f in features)
                feed.EditFeature(hook, row, f, 0f, kind switch { AblationKind.Zero => 0f, AblationKind.Mean => values![f], _ => values![t * m + f] }, [t]);
    }

    /// <summary>Dense latents [rows, features] of activations [rows, d_in] under the SAE (what its spliced encoder computes).</summary>
    public static float[] Latents(Sae.Sae sae, float[] activations, int rows)
    {
        var codes = sae.Encode(activations, rows);
        var dense = new float[(long)rows * sae.DSae];
        for (var r = 0; r < rows; r++)
        {
            var latents = codes.LatentsOf(r);
            var v = codes.ValuesOf(r);
            for (var i = 0; i < latents.Length; i++) dense[(long)r * sae.DSae + latents[i]] = v[i];
        }
        return dense;
    }

    /// <summary>The mean of every SAE latent over the rows of an activation dataset's hook.</summary>
    public static float[] DatasetFeatureMean(string data, string hook, Sae.Sae sae)
    {
        using var table = ActivationTable.Open(data);
        var sum = new double[sae.DSae];
        long rows = 0;
        foreach (var chunk in table.ReadChunks(hook))
        {
            if (chunk.Columns != sae.DIn) throw new BadInputException($"Hook {hook} in {data} has {chunk.Columns} channels but the SAE reads {sae.DIn}; use the dataset of the SAE's hook.");
            var codes = sae.Encode(chunk.Data, chunk.Rows);
            for (var i = 0; i < codes.Count; i++) sum[codes.Latents[i]] += codes.Values[i];
            rows += chunk.Rows;
        }
        if (rows == 0) throw new BadInputException($"Hook {hook} in {data} has no rows; extract a dataset with that hook first.");
        return [.. sum.Select(s => (float)(s / rows))];
    }
}
