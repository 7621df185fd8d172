namespace Analysis.Verification;

/// <summary>Fixed inputs and the exporting framework's logits for them.</summary>
/// <param name="Name">The case's name, e.g. "padded-batch".</param>
/// <param name="Inputs">Values per graph input name.</param>
/// <param name="LogitsShape">Shape of <paramref name="Logits"/>, usually [batch, sequence, vocab].</param>
/// <param name="Logits">The expected logits, flat and row-major.</param>
public sealed record ReferenceCase(string Name, IReadOnlyDictionary<string, ReferenceInput> Inputs, long[] LogitsShape, float[] Logits);
