namespace Analysis.Verification;

/// <summary>One graph input of a reference case: integer token data (ids, masks, token types) with its shape.</summary>
public sealed record ReferenceInput(long[] Data, long[] Shape);
