using Analysis.Parquet;
using Analysis.Sae;

namespace Analysis.Tests.Sae;

/// <summary>
/// `sae absorption` on a planted dictionary with a known answer. Axis ℓ (0–3) is letter ℓ's direction and axis 4 + w word
/// w's; a token of word w is e_letter + a·e_word + noise. The SAE has one latent per letter and one per word. Letter a's
/// latent is inhibited by two rare a-words, "axe" and "arm", so it stays silent on them (false negatives). In the absorbed
/// variant, "axe"'s latent writes e_a + e_axe — it carries the letter — while "arm"'s writes only e_arm: exactly the axe
/// tokens are absorbed. Without that, nothing is absorbed.
/// </summary>
public sealed class AbsorptionTests
{
    private const int D = 24;
    private const string Hook = "blocks.1.hook_resid_post";
    private static readonly string[][] Words =
    [
        ["apple", "ant", "axe", "arm"], ["ball", "bat", "bee", "box"], ["cat", "cup", "cow", "car"], ["dog", "dot", "den", "dig"],
    ];
    private const int Axe = 2, Arm = 3;   // word index within letter a, and its axis 4 + index

    private static string Data(string dir, int rows = 12000)
    {
        var rng = new Random(11);
        var x = new float[rows * D];
        var ids = new int[rows];
        var texts = new string[rows];
        for (var i = 0; i < rows; i++)
        {
            var letter = rng.Next(4);
            // "axe" and "arm" are rare (3% of a-tokens each), so adding their latents to a's main set raises F1 by < 0.03.
            var u = rng.NextDouble();
            var word = letter == 0 ? (u < 0.03 ? Axe : u < 0.06 ? Arm : u < 0.53 ? 0 : 1) : rng.Next(4);
            var w = letter * 4 + word;
            for (var t = 0; t < D; t++) x[i * D + t] = 0.05f * (float)(rng.NextDouble() * 2 - 1);
            x[i * D + letter] += 1;
            x[i * D + 4 + w] += 0.6f + 0.8f * (float)rng.NextDouble();
            (ids[i], texts[i]) = (w, Words[letter][word]);
        }
        return TokenDataset.Write(Path.Combine(dir, "acts"), x, D, ids, texts, Hook);
    }

    private static string PlantedSae(string dir, bool absorbed)
    {
        const int m = 4 + 16;
        var enc = new float[m * D];
        var dec = new float[m * D];
        var bias = Enumerable.Repeat(-0.3f, m).ToArray();
        for (var j = 0; j < m; j++) enc[j * D + j] = dec[j * D + j] = 1;
        enc[0 * D + 4 + Axe] = enc[0 * D + 4 + Arm] = -3;   // letter a's latent goes silent on axe and arm
        if (absorbed) dec[(4 + Axe) * D + 0] = 1;             // axe's latent writes the letter a direction too
        new Analysis.Sae.Sae(SaeArchitecture.Relu, 0, new SaeWeights(D, m, enc, bias, dec, new float[D]), new SaeInfo { HookName = Hook }).Save(dir);
        return dir;
    }

    [Fact]
    public void AbsorbedWordIsFoundAndOnlyIt()
    {
        using var dir = new Extraction.TempDirectory();
        var data = Data(dir.Path);
        var output = Path.Combine(dir.Path, "out");
        var r = Absorption.Run(PlantedSae(Path.Combine(dir.Path, "sae"), absorbed: true), data, output);

        Assert.Equal(["a", "b", "c", "d"], r.Letters.Select(l => l.Letter));
        Assert.All(r.Letters, l => Assert.True(l.Evaluated, l.Skipped));
        for (var c = 0; c < 4; c++) Assert.Equal([c], r.Letters[c].MainFeatures);   // each letter's own latent, alone
        var a = r.Letters[0];
        Assert.True(a.MainDecoderCosine[0] > 0.5, $"letter a's main latent has decoder cosine {a.MainDecoderCosine[0]} with the probe");

        var tokens = ReadTokens(Path.Combine(output, Absorption.TokensFile));
        var aTokens = tokens.Where(t => t.Letter == "a").ToArray();
        // False negatives are exactly the axe and arm tokens; absorbed are exactly the axe tokens, by axe's latent.
        Assert.Equal(["arm", "axe"], aTokens.Where(t => !t.MainFired).Select(t => t.Token).Distinct().Order());
        Assert.All(aTokens.Where(t => t.Token is "apple" or "ant"), t => Assert.True(t.MainFired));
        Assert.All(aTokens.Where(t => t.Token == "axe"), t => Assert.Equal((true, 4 + Axe), (t.Absorbed, t.Feature)));
        Assert.All(aTokens.Where(t => t.Token != "axe"), t => Assert.False(t.Absorbed));
        int axe = aTokens.Count(t => t.Token == "axe"), arm = aTokens.Count(t => t.Token == "arm");
        Assert.True(axe >= 10 && arm >= 10, $"{axe} axe and {arm} arm test tokens: too few to mean anything");
        Assert.Equal((axe + arm, axe), (a.FalseNegatives, a.Absorbed));
        Assert.Equal((double)axe / (axe + arm), a.AbsorptionRate, 12);
        Assert.Equal((double)axe / a.ProbeTruePositives, a.FullAbsorptionScore, 12);
        Assert.Equal([4 + Axe], a.AbsorbingFeatures.Select(f => f.Feature));
        Assert.Equal("axe", a.AbsorbingFeatures[0].Examples.Single());
        // The other letters' main latents never miss: no false negatives, rate 0.
        Assert.All(r.Letters.Skip(1), l => Assert.Equal((0, 0, 0.0), (l.FalseNegatives, l.Absorbed, l.AbsorptionRate)));
        Assert.Equal(a.AbsorptionRate / 4, r.MeanAbsorptionRate, 12);
        Assert.True(File.Exists(Path.Combine(output, Absorption.SummaryFile)));
        Assert.NotNull(Results.ResultsFile.TryLoad(output)!.Get<AbsorptionResult[]>(Absorption.Entry));

        // Taking the saved probe instead of fitting one gives the same measurement.
        var again = Absorption.Run(Path.Combine(dir.Path, "sae"), data, Path.Combine(dir.Path, "again"), probePath: Path.Combine(output, Absorption.ProbeFileName));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(r.Letters), System.Text.Json.JsonSerializer.Serialize(again.Letters));
    }

    [Fact]
    public void SilentMainLatentWithoutAnAbsorberIsNotAbsorption()
    {
        using var dir = new Extraction.TempDirectory();
        var r = Absorption.Run(PlantedSae(Path.Combine(dir.Path, "sae"), absorbed: false), Data(dir.Path), Path.Combine(dir.Path, "out"));
        var a = r.Letters[0];
        Assert.Equal([0], a.MainFeatures);
        Assert.True(a.FalseNegatives >= 20, $"{a.FalseNegatives} false negatives");
        Assert.Equal((0, 0.0), (a.Absorbed, a.AbsorptionRate));
        Assert.Empty(a.AbsorbingFeatures);
        Assert.Equal(0, r.MeanAbsorptionRate);
    }

    [Fact]
    public void BadInputIsRefusedAndNothingIsWritten()
    {
        using var dir = new Extraction.TempDirectory();
        var data = Data(dir.Path, rows: 400);
        var sae = PlantedSae(Path.Combine(dir.Path, "sae"), absorbed: true);
        var output = Path.Combine(dir.Path, "out");
        var cases = new (Action Run, string Expected)[]
        {
            (() => Absorption.Run(sae, data, output, hook: "blocks.9.hook_nope"), "Hook 'blocks.9.hook_nope' is not in"),
            (() => Absorption.Run(sae, data, output, options: new AbsorptionOptions { Split = "alphabetical" }), "Unknown --split 'alphabetical'"),
            (() => Absorption.Run(sae, data, output, options: new AbsorptionOptions { ProjectionShare = 0 }), "--projection-share"),
            (() => Absorption.Run(Path.Combine(dir.Path, "nothing"), data, output), "is not an SAE folder"),
            (() => Absorption.Run(sae, SyntheticDataset.Write(Path.Combine(dir.Path, "unlabelled"), new float[64 * D], D, hook: Hook), output), "token_text"),
        };
        foreach (var (run, expected) in cases)
        {
            var e = Assert.Throws<BadInputException>(run);
            Assert.Contains(expected, e.Message);
            Assert.False(Directory.Exists(output), $"{expected}: the output folder was left behind");
        }
    }

    /// <summary>
    /// A TopK SAE trained in the test on word tokens: every per-token number of absorption_tokens.parquet (probe
    /// projection, top latent, its projection and cosine, main fired, absorbed, absorption fraction) and every letter's
    /// counts are recomputed by an independent numpy implementation from the saved SAE (its own safetensors parser),
    /// the saved probe and the main latents.
    /// </summary>
    [Fact]
    public void PerTokenNumbersEqualANumpyOracle()
    {
        using var dir = new Extraction.TempDirectory();
        const int d = 16;
        var (data, sae, x) = TokenDataset.PlantedWords(dir.Path, ["apple", "ant", "axe", "ball", "bat", "cat", "cup", "dog", "the", "and"], seed: 51, latents: 24);
        var output = Path.Combine(dir.Path, "out");
        // Lower thresholds so that absorption and partial absorption both occur on this small problem.
        var r = Absorption.Run(sae, data, output, options: new AbsorptionOptions { MinTestTokens = 5, ProjectionShare = 0.2, FractionCosineThreshold = 0.05 });
        Assert.True(r.EvaluatedLetters >= 3, $"{r.EvaluatedLetters} letters measured");

        using var reader = ParquetReader.Open(Path.Combine(output, Absorption.TokensFile));
        var columns = new[] { "row", "letter", "main_fired", "absorbed", "top_feature", "probe_projection", "top_projection", "top_cosine", "absorption_fraction" };
        var ours = new List<object?[]>();
        foreach (var g in reader.ReadRowGroups(columns))
        {
            var cols = columns.Select(c => g[c].ToRows()).ToArray();
            for (var i = 0; i < cols[0].Count; i++) ours.Add([.. cols.Select(c => c[i])]);
        }
        Assert.True(ours.Count > 500, $"only {ours.Count} probe-true-positive tokens");
        Assert.Contains(ours, t => (bool)t[3]!);   // some tokens absorbed, so the check covers that branch
        var tokenRows = ours.Select(t => Convert.ToInt64(t[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var xs = tokenRows.SelectMany(row => x.AsSpan((int)row * d, d).ToArray()).ToArray();
        File.WriteAllBytes(Path.Combine(dir.Path, "x.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(xs.AsSpan()).ToArray());
        File.WriteAllText(Path.Combine(dir.Path, "letters.json"), System.Text.Json.JsonSerializer.Serialize(ours.Select(t => (string)t[1]!)));
        var script = $$"""
            import json, struct, numpy as np
            raw = open(r'{{sae}}/sae_weights.safetensors', 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]; header = json.loads(raw[8:8 + n]); base = 8 + n
            w = {k: np.frombuffer(raw[base + v['data_offsets'][0]: base + v['data_offsets'][1]], dtype='<f4').reshape(v['shape']).astype(np.float64)
                 for k, v in header.items() if k != '__metadata__'}
            k = json.load(open(r'{{sae}}/cfg.json'))['k']
            probe = json.load(open(r'{{output}}/first_letter_probe.json'))['classifier']
            classes = probe['classes']; P = np.array(probe['weights'], dtype=np.float64).reshape(len(classes), -1); bias = np.array(probe['bias'])
            main = {l['letter']: l['main_features'] for l in json.load(open(r'{{output}}/absorption.json'))['letters'] if l['evaluated']}
            letters = json.load(open(r'{{dir.Path}}/letters.json'))
            X = np.fromfile(r'{{dir.Path}}/x.bin', dtype=np.float32).reshape(len(letters), -1).astype(np.float64)
            pre = np.maximum((X - w['b_dec']) @ w['W_enc'] + w['b_enc'], 0)
            Z = np.zeros_like(pre)
            top = np.argsort(-pre, axis=1)[:, :k]
            np.put_along_axis(Z, top, np.take_along_axis(pre, top, axis=1), axis=1)
            dec_norm = np.linalg.norm(w['W_dec'], axis=1)
            out = []
            for i, letter in enumerate(letters):
                c = classes.index(letter)
                p = P[c] / np.linalg.norm(P[c])
                dot = w['W_dec'] @ p; cos = dot / dec_norm
                z = Z[i]; proj = z * dot
                is_main = np.zeros(len(z), bool); is_main[main[letter]] = True
                fired = bool((z[is_main] > 0).any())
                probe_proj = X[i] @ p - w['b_dec'] @ p
                active = np.where((z > 0) & ~is_main)[0]
                t = int(active[np.argmax(proj[active])]) if len(active) else -1
                absorbed = (not fired) and probe_proj > 0 and t >= 0 and cos[t] >= 0.025 and proj[t] >= 0.2 * probe_proj
                main_proj = proj[is_main].sum()
                cands = sorted([proj[j] for j in active if cos[j] >= 0.05 and proj[j] > 0], reverse=True)[:3]
                a = sum(cands)
                if probe_proj <= 0 or main_proj >= probe_proj or a / probe_proj < 0.2: frac = 0.0
                elif main_proj <= 0: frac = 1.0
                else:
                    ab = min(a, probe_proj - main_proj); frac = float(np.clip(ab / (ab + main_proj), 0, 1))
                predicted = classes[int(np.argmax(P @ X[i] + bias))]
                out.append([fired, bool(absorbed), t, float(probe_proj), float(proj[t]) if t >= 0 else 0.0, float(cos[t]) if t >= 0 else 0.0, frac, predicted])
            print(json.dumps(out))
            """;
        var oracle = Python(script).EnumerateArray().ToArray();
        Assert.Equal(ours.Count, oracle.Length);
        for (var i = 0; i < ours.Count; i++)
        {
            var (o, t) = (oracle[i], ours[i]);
            var what = $"token {i} (row {tokenRows[i]}, letter {t[1]})";
            Assert.True((string)t[1]! == o[7].GetString(), $"{what}: the probe predicts {o[7]}, so it is no probe true positive");
            Assert.True((bool)t[2]! == o[0].GetBoolean(), $"{what}: main fired");
            Assert.True((bool)t[3]! == o[1].GetBoolean(), $"{what}: absorbed");
            Assert.True(Convert.ToInt32(t[4], System.Globalization.CultureInfo.InvariantCulture) == o[2].GetInt32(), $"{what}: top latent {t[4]} vs {o[2]}");
            for (var (c, j) = (5, 3); c <= 8; c++, j++)
                Assert.True(Math.Abs((double)t[c]! - o[j].GetDouble()) <= 1e-4 * (1 + Math.Abs(o[j].GetDouble())), $"{what}: {columns[c]} {t[c]} vs {o[j]}");
        }
        foreach (var l in r.Letters.Where(l => l.Evaluated))
        {
            var mine = oracle.Where((_, i) => (string)ours[i][1]! == l.Letter).ToArray();
            var fn = mine.Count(o => !o[0].GetBoolean());
            var absorbed = mine.Count(o => o[1].GetBoolean());
            Assert.Equal((mine.Length, fn, absorbed), (l.ProbeTruePositives, l.FalseNegatives, l.Absorbed));
            Assert.Equal(fn == 0 ? 0 : (double)absorbed / fn, l.AbsorptionRate, 12);
            Assert.Equal(mine.Average(o => o[6].GetDouble()), l.MeanAbsorptionFraction, 6);
        }
    }

    private static System.Text.Json.JsonElement Python(string script)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Fail($"The numpy oracle failed (python3-numpy: tools/setup/sae.sh): {stderr}");
        return System.Text.Json.JsonDocument.Parse(stdout.Result).RootElement;
    }

    private static List<(string Letter, string Token, bool MainFired, bool Absorbed, int Feature)> ReadTokens(string path)
    {
        using var r = ParquetReader.Open(path);
        var list = new List<(string, string, bool, bool, int)>();
        foreach (var g in r.ReadRowGroups(["letter", "token", "main_fired", "absorbed", "absorbing_feature"]))
        {
            var (letters, tokens, fired, absorbed, feature) = (g["letter"].ToRows(), g["token"].ToRows(), g["main_fired"].ToRows(), g["absorbed"].ToRows(), g["absorbing_feature"].ToRows());
            for (var i = 0; i < letters.Count; i++) list.Add(((string)letters[i]!, (string)tokens[i]!, (bool)fired[i]!, (bool)absorbed[i]!, Convert.ToInt32(feature[i]!, System.Globalization.CultureInfo.InvariantCulture)));
        }
        return list;
    }
}
