namespace Analysis.Attention;

/// <summary>
/// One head's attention summary, averaged over every query token after the first of every example (the first token can
/// only attend to itself). The four masses partition each query's attention: the first token (the sink), the previous
/// token (from the third token on; for the second token the previous one is the sink), the token itself, and the rest.
/// </summary>
/// <param name="Layer">Block index.</param>
/// <param name="Head">Head index within the layer.</param>
/// <param name="Hook">The pattern hook read.</param>
/// <param name="SinkMass">Mean attention on the first token.</param>
/// <param name="PrevTokenMass">Mean attention on the previous token.</param>
/// <param name="SelfMass">Mean attention on the token itself.</param>
/// <param name="RestMass">Mean attention on every other token.</param>
/// <param name="Entropy">Mean entropy of the attention distribution over keys, in nats.</param>
/// <param name="DormantShare">Share of examples on which the head's mean sink mass exceeds the threshold.</param>
/// <param name="Classification">"dormant" when the head is dormant on more than half of the examples, else "active".</param>
public sealed record AttentionHead(int Layer, int Head, string Hook, double SinkMass, double PrevTokenMass, double SelfMass,
    double RestMass, double Entropy, double DormantShare, string Classification);

/// <summary>The attention statistics of a set of texts.</summary>
/// <param name="Heads">One entry per layer and head, in model order.</param>
/// <param name="Examples">Examples with at least two tokens (the others have no query to summarize).</param>
/// <param name="Queries">Query tokens summarized (all tokens but each example's first).</param>
/// <param name="DormantThreshold">The sink mass above which a head counts as dormant on an example.</param>
/// <param name="Unavailable">Pattern hooks the model lacks, with the reason.</param>
/// <param name="Patterns">Full patterns of a few examples, for the report's viewer.</param>
public sealed record AttentionResult(IReadOnlyList<AttentionHead> Heads, long Examples, long Queries, double DormantThreshold,
    IReadOnlyList<AttentionUnavailable> Unavailable, IReadOnlyList<AttentionPatternExample> Patterns);

/// <summary>A pattern hook the model lacks, and why.</summary>
public sealed record AttentionUnavailable(string Hook, string Reason);

/// <summary>One example's full attention patterns: its tokens and, per layer, per head, the [query][key] matrix (rounded to 1e-4).</summary>
public sealed record AttentionPatternExample(long ExampleId, IReadOnlyList<string> Tokens, IReadOnlyList<AttentionPatternLayer> Layers);

/// <summary>One layer's patterns of one example: [head][query][key].</summary>
public sealed record AttentionPatternLayer(string Hook, float[][][] Heads);
