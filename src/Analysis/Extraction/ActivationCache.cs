using Analysis.Numerics;

namespace Analysis.Extraction;

/// <summary>One row of an <see cref="ActivationCache"/>: which text and token it is, and where the token lies in the text.</summary>
/// <param name="Example">Index of the text in the run's input.</param>
/// <param name="Position">Token index within the text's tokens (special tokens included).</param>
/// <param name="Id">Token id.</param>
/// <param name="Token">Token string as the tokenizer's vocabulary spells it.</param>
/// <param name="Start">Start of the token's characters in the text (UTF-16 index, as <see cref="string"/> counts).</param>
/// <param name="End">End (exclusive) of the token's characters in the text.</param>
public sealed record CachedToken(int Example, int Position, int Id, string Token, int Start, int End);

/// <summary>
/// The activations of one run, by canonical hook name, as TransformerLens's <c>run_with_cache</c> returns them:
/// <c>cache["blocks.3.hook_resid_post"]</c> is a [tokens, d] matrix whose row i is token <see cref="Tokens"/>[i] (only the
/// selected positions). Per-token shapes other than a vector (attention patterns: [heads, max_length]) are flattened
/// row-major, as in the activation dataset; <see cref="TokenShape"/> gives the shape.
/// </summary>
public sealed class ActivationCache
{
    private readonly Dictionary<string, Matrix> _activations;
    private readonly Dictionary<string, int[]> _shapes;

    internal ActivationCache(IReadOnlyList<CachedToken> tokens, Dictionary<string, Matrix> activations, Dictionary<string, int[]> shapes, IReadOnlyList<string> hooks)
    {
        Tokens = tokens;
        _activations = activations;
        _shapes = shapes;
        Hooks = hooks;
    }

    /// <summary>The hooks held, in model order.</summary>
    public IReadOnlyList<string> Hooks { get; }

    /// <summary>The rows: one per selected token of every text, texts in input order.</summary>
    public IReadOnlyList<CachedToken> Tokens { get; }

    /// <summary>The [tokens, d] activations of <paramref name="hook"/>.</summary>
    public Matrix this[string hook] => _activations.TryGetValue(hook, out var m) ? m
        : throw new BadInputException($"The cache holds no hook '{hook}'; it holds: {string.Join(", ", Hooks)}.");

    /// <summary>The per-token shape of <paramref name="hook"/> (d for the residual stream; [heads, max_length] for attention patterns).</summary>
    public IReadOnlyList<int> TokenShape(string hook) => _shapes.TryGetValue(hook, out var s) ? s
        : throw new BadInputException($"The cache holds no hook '{hook}'; it holds: {string.Join(", ", Hooks)}.");
}
