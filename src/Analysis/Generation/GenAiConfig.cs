using System.Text.Json;
using System.Text.Json.Nodes;
using Analysis.Onnx;
using Analysis.Tokenizers;

namespace Analysis.Generation;

/// <summary>
/// The genai_config.json ONNX Runtime GenAI needs beside a model, written from what inspection knows, never by hand:
/// layers, key/value heads, head size and cache input/output names from the graph signature (<see cref="KvCacheLayout"/>),
/// attention heads and hidden size from the discovered hooks, the vocabulary from the logits, special tokens from the
/// tokenizer, and the context length from the model's config.json when it has one.
/// </summary>
public static class GenAiConfig
{
    // Hugging Face config.json fields that hold the context length, in the order the architectures name them.
    private static readonly string[] ContextFields = ["max_position_embeddings", "n_positions", "n_ctx", "max_seq_len", "seq_length"];

    /// <summary>
    /// The config for <paramref name="model"/> saved as <paramref name="fileName"/>: model type "decoder" (GenAI's generic
    /// decoder with a separate key and value per layer), stopping at the tokenizer's EOS and BOS tokens as the recompute loop
    /// does. <paramref name="minimumLength"/> is the context length used when no config.json says one.
    /// </summary>
    /// <exception cref="BadInputException">A value GenAI needs cannot be inferred.</exception>
    public static JsonObject Infer(OnnxModel model, KvCacheLayout cache, HookMap hooks, Tokenizer tokenizer, string fileName,
        string? configJsonPath, int minimumLength)
    {
        var inputs = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        if (!inputs.Contains("input_ids"))
            throw new BadInputException($"'{model.Name}' has no input_ids input; GenAI feeds token ids by that name.");
        var types = model.InferTypes();
        var logits = model.Graph.Output.Any(o => o.Name == "logits") ? "logits"
            : throw new BadInputException($"'{model.Name}' has no 'logits' output; GenAI reads the next-token scores from it.");
        var vocab = types[logits].Shape is { Count: 3 } ls && ls[2].Value is { } v ? checked((int)v) : tokenizer.VocabSize;

        int? Axis(string? tensor, int axis) =>
            tensor is not null && types.Find(tensor)?.Shape is { } s && s.Count > axis && s[axis].Value is { } d ? checked((int)d) : null;
        var heads = Axis(hooks.Find(HookNames.AttnPattern(0)), 1) ?? cache.KvHeads;
        var hidden = Axis(hooks.Find(HookNames.ResidPre(0)), 2) ?? Axis(hooks.Find(HookNames.ResidPost(0)), 2) ?? heads * cache.HeadSize;
        var context = ContextLength(configJsonPath) ?? minimumLength;

        var stops = new[] { tokenizer.EosId, tokenizer.BosId }.OfType<int>().Distinct().ToArray();
        if (stops.Length == 0)
            throw new BadInputException("The tokenizer has neither an end-of-sequence nor a beginning-of-sequence token; GenAI needs a token to stop at.");
        var decoderInputs = new JsonObject { ["input_ids"] = "input_ids" };
        if (inputs.Contains("attention_mask")) decoderInputs["attention_mask"] = "attention_mask";
        if (cache.HasPositionIds) decoderInputs["position_ids"] = "position_ids";
        decoderInputs["past_key_names"] = cache.PastKeyNames;
        decoderInputs["past_value_names"] = cache.PastValueNames;
        return new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["type"] = "decoder",
                ["context_length"] = context,
                ["vocab_size"] = vocab,
                ["bos_token_id"] = tokenizer.BosId ?? stops[0],
                ["eos_token_id"] = new JsonArray(stops.Select(s => (JsonNode)s).ToArray()),
                ["pad_token_id"] = tokenizer.PadId ?? stops[0],
                ["decoder"] = new JsonObject
                {
                    ["filename"] = fileName,
                    ["head_size"] = cache.HeadSize,
                    ["hidden_size"] = hidden,
                    ["num_attention_heads"] = heads,
                    ["num_key_value_heads"] = cache.KvHeads,
                    ["num_hidden_layers"] = cache.Layers,
                    ["session_options"] = new JsonObject { ["log_id"] = "analysis", ["provider_options"] = new JsonArray() },
                    ["inputs"] = decoderInputs,
                    ["outputs"] = new JsonObject
                    {
                        ["logits"] = logits,
                        ["present_key_names"] = cache.PresentKeyNames,
                        ["present_value_names"] = cache.PresentValueNames,
                    },
                },
            },
            ["search"] = new JsonObject { ["max_length"] = context, ["do_sample"] = false, ["num_beams"] = 1, ["past_present_share_buffer"] = false },
        };
    }

    /// <summary>The context length a Hugging Face config.json states, or null (no file, no such field).</summary>
    public static int? ContextLength(string? configJsonPath)
    {
        if (configJsonPath is null || !File.Exists(configJsonPath)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(configJsonPath)) as JsonObject;
            foreach (var field in ContextFields)
                if (root?[field] is JsonValue value && value.TryGetValue<int>(out var n) && n > 0) return n;
        }
        catch (JsonException) { } // a config.json that is not JSON says nothing about the context length
        return null;
    }
}
