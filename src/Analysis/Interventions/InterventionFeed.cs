using Analysis.Onnx;
using Analysis.Runtime;

namespace Analysis.Interventions;

/// <summary>
/// What one batch feeds each edit, row by row. Every edit starts neutral (zero steering, keep everything); set only what
/// a row should change. Steering: <see cref="Steer"/>; replacement: <see cref="Replace"/> element by element, or the
/// <see cref="Keep"/>/<see cref="Values"/> arrays directly ([batch, positions, width], row-major).
/// </summary>
public sealed class InterventionFeed
{
    private readonly InterventionModel _model;
    private readonly Dictionary<InterventionPoint, InterventionInputs> _edits;
    private readonly Dictionary<InterventionPoint, (float[] Vector, float[] Positions)> _steer = [];
    private readonly Dictionary<InterventionPoint, (bool[] Keep, float[] Values)> _replace = [];
    private readonly Dictionary<InterventionPoint, (float[] Scale, float[] Shift)> _features = [];

    internal InterventionFeed(InterventionModel model, IReadOnlyList<int[]> rows, Dictionary<InterventionPoint, InterventionInputs> edits)
    {
        if (rows.Count == 0) throw new BadInputException("A batch needs at least one token row.");
        _model = model;
        _edits = edits;
        Rows = rows;
        Length = rows.Max(r => r.Length);
        if (Length == 0) throw new BadInputException("Every token row is empty; give each prompt at least one token.");
    }

    /// <summary>The token rows (right-padded to <see cref="Length"/> when run).</summary>
    public IReadOnlyList<int[]> Rows { get; }

    /// <summary>Positions per row.</summary>
    public int Length { get; }

    /// <summary>Adds <c>alpha · vector</c> to <paramref name="hook"/> in <paramref name="row"/> at <paramref name="positions"/> (null: every position of the row).</summary>
    public InterventionFeed Steer(string hook, int row, ReadOnlySpan<float> vector, float alpha, IEnumerable<int>? positions = null)
    {
        var (v, p) = SteerArrays(hook);
        var d = _model.Widths[hook];
        if (vector.Length != d)
            throw new BadInputException($"The steering vector has {vector.Length} values but hook '{hook}' has {d} channels; use a direction made for this model's hook width.");
        for (var i = 0; i < d; i++) v[row * d + i] = alpha * vector[i];
        foreach (var t in positions ?? Enumerable.Range(0, Rows[row].Length)) p[row * Length + t] = 1f;
        return this;
    }

    /// <summary>Replaces channel <paramref name="channel"/> of <paramref name="hook"/> in <paramref name="row"/> at <paramref name="position"/> with <paramref name="value"/>.</summary>
    public void Replace(string hook, int row, int position, int channel, float value)
    {
        var (keep, values) = ReplaceArrays(hook);
        var i = (row * Length + position) * _model.Widths[hook] + channel;
        keep[i] = false;
        values[i] = value;
    }

    /// <summary>The keep mask of a replacement edit, [batch, positions, width]; false takes the value from <see cref="Values"/>.</summary>
    public bool[] Keep(string hook) => ReplaceArrays(hook).Keep;

    /// <summary>The replacement values of a replacement edit, [batch, positions, width].</summary>
    public float[] Values(string hook) => ReplaceArrays(hook).Values;

    /// <summary>
    /// Edits SAE feature <paramref name="feature"/> at <paramref name="hook"/> in <paramref name="row"/> at
    /// <paramref name="positions"/> (null: every position of the row): latent ← latent · scale + shift, decoded back into
    /// the hook with the SAE's error term kept. Zero-ablation: scale 0, shift 0; mean-ablation or clamping to v: scale 0,
    /// shift v; scaling: scale s, shift 0.
    /// </summary>
    public InterventionFeed EditFeature(string hook, int row, int feature, float scale, float shift, IEnumerable<int>? positions = null)
    {
        var m = Features(hook);
        if (feature < 0 || feature >= m) throw new BadInputException($"Feature {feature} is out of range: the SAE at '{hook}' has {m} features (0 to {m - 1}).");
        var (scales, shifts) = FeatureArrays(hook);
        foreach (var t in positions ?? Enumerable.Range(0, Rows[row].Length))
        {
            var i = (row * Length + t) * m + feature;
            scales[i] = scale;
            shifts[i] = shift;
        }
        return this;
    }

    private int Features(string hook) =>
        _model.Saes.TryGetValue(hook, out var sae) ? sae.DSae : throw new ArgumentException($"The model was not built with an SAE feature edit on '{hook}'; add it to the intervention points.");

    private (float[] Scale, float[] Shift) FeatureArrays(string hook)
    {
        var point = Point(hook, EditKind.Feature);
        if (!_features.TryGetValue(point, out var arrays))
        {
            var n = Rows.Count * Length * Features(hook);
            _features[point] = arrays = (new float[n], new float[n]);
            Array.Fill(arrays.Scale, 1f);
        }
        return arrays;
    }

    private (float[] Vector, float[] Positions) SteerArrays(string hook)
    {
        var point = Point(hook, EditKind.Steer);
        if (!_steer.TryGetValue(point, out var arrays))
            _steer[point] = arrays = (new float[Rows.Count * _model.Widths[hook]], new float[Rows.Count * Length]);
        return arrays;
    }

    private (bool[] Keep, float[] Values) ReplaceArrays(string hook)
    {
        var point = Point(hook, EditKind.Replace);
        if (!_replace.TryGetValue(point, out var arrays))
        {
            var n = Rows.Count * Length * _model.Widths[hook];
            _replace[point] = arrays = (new bool[n], new float[n]);
            Array.Fill(arrays.Keep, true);
        }
        return arrays;
    }

    private InterventionPoint Point(string hook, EditKind kind)
    {
        foreach (var point in _edits.Keys)
            if (point.Hook == hook && point.Kind == kind) return point;
        throw new ArgumentException($"The model was not built with a {kind} edit on '{hook}'; add it to the intervention points.");
    }

    /// <summary>The graph inputs of every edit: set ones as given, the rest neutral.</summary>
    internal IEnumerable<(string Name, Tensor Tensor)> Tensors()
    {
        var b = Rows.Count;
        foreach (var (point, inputs) in _edits)
        {
            var d = _model.Widths[point.Hook];
            if (point.Kind == EditKind.Steer)
            {
                if (!_steer.TryGetValue(point, out var s))
                {
                    // Untouched: one zero vector and one zero weight, broadcast, instead of a [batch, T, d] delta of zeros.
                    yield return (inputs["vector"], Tensor.Create(new float[d], 1, d));
                    yield return (inputs["positions"], Tensor.Create(new float[1], 1, 1));
                    continue;
                }
                yield return (inputs["vector"], Tensor.Create(s.Vector, b, d));
                yield return (inputs["positions"], Tensor.Create(s.Positions, b, Length));
            }
            else if (point.Kind == EditKind.Feature)
            {
                var folded = Folded(inputs["scale"]);
                if (!_features.TryGetValue(point, out var f))
                {
                    // Untouched: scale 1 and shift 0, broadcast; z·1 + 0 − z is exactly zero.
                    long[] unit = folded ? [1, 1] : [1, 1, 1];
                    yield return (inputs["scale"], Tensor.Create(new[] { 1f }, unit));
                    yield return (inputs["shift"], Tensor.Create(new float[1], unit));
                    continue;
                }
                var m = Features(point.Hook);
                long[] shape = folded ? [b * Length, m] : [b, Length, m];
                yield return (inputs["scale"], Tensor.Create(f.Scale, shape));
                yield return (inputs["shift"], Tensor.Create(f.Shift, shape));
            }
            else
            {
                var folded = Folded(inputs["keep"]);
                if (!_replace.TryGetValue(point, out var r))
                {
                    // Untouched: one true, broadcast over the whole hook, instead of a mask the size of the activation.
                    long[] unit = folded ? [1, 1] : [1, 1, 1];
                    yield return (inputs["keep"], Tensor.Create(new[] { true }, unit));
                    yield return (inputs["values"], Tensor.Create(new float[1], unit));
                    continue;
                }
                long[] shape = folded ? [b * Length, d] : [b, Length, d];
                yield return (inputs["keep"], Tensor.Create(r.Keep, shape));
                yield return (inputs["values"], Tensor.Create(r.Values, shape));
            }
        }
    }

    private bool Folded(string input) =>
        _model.Session.Inputs.First(i => i.Name == input).Shape.Count == 2;
}
