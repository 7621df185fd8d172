using Analysis.Tokenizers.Json;

namespace Analysis.Tokenizers.PostProcessors;

/// <summary>TemplateProcessing's single-sequence template, e.g. <c>&lt;s&gt; $A</c> or <c>[CLS] $A [SEP]</c>.</summary>
internal sealed class TemplateProcessing : PostProcessor
{
    private readonly List<(string Token, int Id)> _before = [];
    private readonly List<(string Token, int Id)> _after = [];

    public TemplateProcessing(ConfigNode node)
    {
        var specials = new Dictionary<string, (string[] Tokens, int[] Ids)>();
        if (node.Optional("special_tokens") is { } map)
            foreach (var (name, value) in map.Properties())
            {
                var ids = value.Required("ids").Items().Select(i => i.Id()).ToArray();
                var tokens = value.Required("tokens").Items().Select(i => i.String()).ToArray();
                if (ids.Length != tokens.Length) throw value.Error("ids and tokens must have the same length");
                specials[name] = (tokens, ids);
            }
        var seenSequence = false;
        foreach (var item in node.Required("single").Items())
        {
            if (item.Optional("Sequence") is not null) { seenSequence = true; continue; }
            var special = item.Optional("SpecialToken") ?? throw item.Error("a template item must be {\"Sequence\": ...} or {\"SpecialToken\": ...}");
            var name = special.Required("id").String();
            if (!specials.TryGetValue(name, out var s)) throw special.Error($"special token '{name}' is not defined in special_tokens");
            for (var i = 0; i < s.Ids.Length; i++) (seenSequence ? _after : _before).Add((s.Tokens[i], s.Ids[i]));
        }
    }

    public override int AddedTokens => _before.Count + _after.Count;
    public override (int[] Before, int[] After) Wrapping => ([.. _before.Select(t => t.Id)], [.. _after.Select(t => t.Id)]);

    public override void Process(List<PipelineToken> tokens, bool addSpecialTokens, string text)
    {
        if (!addSpecialTokens) return;
        tokens.InsertRange(0, _before.Select(t => new PipelineToken(t.Id, t.Token, default, true)));
        tokens.AddRange(_after.Select(t => new PipelineToken(t.Id, t.Token, default, true)));
    }
}
