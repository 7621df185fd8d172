using Analysis.Extraction;
using Analysis.Onnx;
using Analysis.Runtime;

namespace Analysis.Verification;

/// <summary>
/// The numerics check: runs a model through our runtime on the inputs stored in its reference.json and compares the
/// logits with the exporting framework's (and, when stored, the greedy continuation token by token).
/// </summary>
public static class ModelVerifier
{
    /// <summary>
    /// Verifies <paramref name="model"/> (a model.onnx, or a folder holding one) against <paramref name="referencePath"/>
    /// (default: reference.json next to the model). <paramref name="tolerance"/> overrides the file's.
    /// </summary>
    public static VerificationReport Verify(string model, string? referencePath = null, Tolerance? tolerance = null,
        SessionOptions? options = null, bool checkGeneration = true)
    {
        var modelPath = ResolveModel(model);
        referencePath ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "reference.json");
        var reference = ModelReference.Load(referencePath);
        tolerance ??= reference.Tolerance;

        // Parsed by us first: a hostile external-data location is refused before the runtime opens any file it names.
        OnnxModel.Load(modelPath);
        using var session = InferenceSession.Open(modelPath, options);
        var output = GreedyDecoder.LogitsOutput(session);
        var cases = new List<CaseResult>();
        foreach (var c in reference.Cases)
        {
            var inputs = Feeds(session, c.Inputs, $"Case '{c.Name}' of '{referencePath}'");
            using var results = session.Run(inputs, [output]);
            var logits = results[0];
            if (!logits.Shape.SequenceEqual(c.LogitsShape))
                throw new BadInputException($"The model's '{output}' has shape [{string.Join(", ", logits.Shape)}] on case '{c.Name}' but '{referencePath}' expects [{string.Join(", ", c.LogitsShape)}]; the reference belongs to a different model.");
            var error = LogitsError.Measure(logits.AsSpan<float>(), c.Logits);
            cases.Add(new CaseResult(c.Name, c.LogitsShape, error, tolerance.Admits(error)));
        }

        GenerationResult? generation = null;
        if (checkGeneration && reference.Generation is { } g)
        {
            var actual = GreedyDecoder.Generate(session, g.PromptIds, g.MaxNewTokens, g.StopIds.ToHashSet());
            var prefix = 0;
            while (prefix < actual.Length && prefix < g.NewIds.Length && actual[prefix] == g.NewIds[prefix]) prefix++;
            generation = new GenerationResult(g.NewIds, actual, prefix);
        }
        return new VerificationReport(modelPath, referencePath, session.Device.ToString(), session.DeviceNote, tolerance, cases, generation);
    }

    /// <summary>
    /// Tensors for every session input from a reference case's values, by name, each in the input's declared element type.
    /// A KV cache (Optimum exports) that the case does not give is filled empty: the logits are those of a whole-sequence run.
    /// </summary>
    private static Dictionary<string, Tensor> Feeds(InferenceSession session, IReadOnlyDictionary<string, ReferenceInput> values, string where)
    {
        foreach (var name in values.Keys)
            if (!session.Inputs.Any(i => i.Name == name))
                throw new BadInputException($"{where} gives values for '{name}', which is not an input of the model (its inputs: {string.Join(", ", session.Inputs.Select(i => i.Name))}); the reference belongs to a different model.");
        var tensors = new Dictionary<string, Tensor>();
        foreach (var input in session.Inputs)
        {
            if (!values.ContainsKey(input.Name) && ModelInputs.IsCache(input.Name) && values.TryGetValue("input_ids", out var ids))
                tensors[input.Name] = ModelInputs.EmptyCacheFor(input, checked((int)ids.Shape[0]));
            else if (values.TryGetValue(input.Name, out var v))
                tensors[input.Name] = ModelInputs.Typed(input, v.Data, v.Shape);
            else
                throw new BadInputException($"{where} has no values for the model input '{input.Name}'; the reference belongs to a different model or needs re-exporting.");
        }
        return tensors;
    }

    /// <summary>A model.onnx path, or the model.onnx inside a folder.</summary>
    public static string ResolveModel(string model)
    {
        if (Directory.Exists(model))
        {
            var inside = Path.Combine(model, "model.onnx");
            return File.Exists(inside) ? inside
                : throw new FileNotFoundException($"The folder '{model}' has no model.onnx; pass the model file itself.", inside);
        }
        return File.Exists(model) ? model
            : throw new FileNotFoundException($"The model '{model}' does not exist; pass a model.onnx or the folder holding it.", model);
    }
}
