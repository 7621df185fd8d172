using System.CommandLine;
using System.Text.Json;
using Analysis.Tokenizers;

namespace Analysis.Cli.Commands;

/// <summary>`analysis tokenize`: shows ids, tokens and character offsets so users can check how their labels align.</summary>
public static class TokenizeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var tokenizerOption = new Option<string>("--tokenizer")
        {
            Description = "tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin.",
            Required = true,
        };
        var textOption = new Option<string?>("--text") { Description = "Text to tokenize (default: each line of standard input)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object per input line: text, ids, tokens, offsets, special." };
        var noSpecialOption = new Option<bool>("--no-special") { Description = "Do not add BOS/EOS/[CLS]/[SEP] special tokens." };
        var command = new Command("tokenize", "Tokenize text and print ids, tokens and [start, end) offsets into the original text.")
        {
            tokenizerOption, textOption, jsonOption, noSpecialOption,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var tokenizer = Tokenizer.Load(parse.GetValue(tokenizerOption)!);
            var output = parse.InvocationConfiguration.Output;
            var json = parse.GetValue(jsonOption);
            var addSpecial = !parse.GetValue(noSpecialOption);
            var lines = parse.GetValue(textOption) is { } text ? [text] : ReadLines(Console.In);
            foreach (var line in lines)
            {
                var encoded = tokenizer.Encode(line, addSpecial);
                if (json) output.WriteLine(ToJson(tokenizer, line, encoded));
                else WriteTable(output, tokenizer, line, encoded);
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static IEnumerable<string> ReadLines(TextReader input)
    {
        while (input.ReadLine() is { } line) yield return line;
    }

    private static string ToJson(Tokenizer tokenizer, string text, EncodedText e) => JsonSerializer.Serialize(new
    {
        text,
        ids = e.Ids,
        tokens = e.Ids.Select(id => tokenizer.IdToToken(id)),
        offsets = e.Offsets.Select(o => new[] { o.Start, o.End }),
        special = e.SpecialTokensMask,
    });

    private static void WriteTable(TextWriter output, Tokenizer tokenizer, string text, EncodedText e)
    {
        output.WriteLine($"{Quote(text)}: {e.Count} tokens");
        for (var i = 0; i < e.Count; i++)
        {
            var o = e.Offsets[i];
            var covered = e.SpecialTokensMask[i] ? "(special)" : Quote(text[o.Start..o.End]);
            output.WriteLine($"  {i,5} {e.Ids[i],8}  [{o.Start}, {o.End})  {covered,-20} {Quote(tokenizer.IdToToken(e.Ids[i]) ?? "?")}");
        }
    }

    // Quotes with C-style escapes so tabs, newlines and control characters are visible; everything else prints as is.
    private static string Quote(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length + 2).Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var paired = char.IsHighSurrogate(c) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(s[i - 1]);
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '\t' => sb.Append("\\t"),
                '\r' => sb.Append("\\r"),
                _ when char.IsControl(c) || (char.IsSurrogate(c) && !paired) => sb.Append($"\\u{(int)c:x4}"),
                _ => sb.Append(c),
            };
        }
        return sb.Append('"').ToString();
    }
}
