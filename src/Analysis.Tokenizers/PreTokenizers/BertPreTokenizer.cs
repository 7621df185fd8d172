using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.PreTokenizers;

/// <summary>BERT: split on whitespace (removed), then isolate each punctuation character.</summary>
internal sealed class BertPreTokenizer : PreTokenizer
{
    private readonly CharSplit _whitespace = new(char.IsWhiteSpace, SplitBehavior.Removed);
    private readonly CharSplit _punctuation = new(IsPunctuation, SplitBehavior.Isolated);

    public override void Apply(List<Piece> pieces)
    {
        _whitespace.Apply(pieces);
        _punctuation.Apply(pieces);
    }
}
