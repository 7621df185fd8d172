using System.Numerics.Tensors;
using Analysis.Numerics;
using Analysis.Probing;

namespace Analysis.Sae;

/// <summary>
/// Feature absorption on the first-letter task (Chanin et al., "A is for Absorption"; SAEBench's absorption eval), on
/// tokens in context. Per letter ℓ with unit probe direction p (the probe's class row, normalised):
/// <list type="number">
/// <item>main latents — candidates ranked by mean activation on ℓ-tokens minus on the rest (train split); the classifier
/// "any of the top k fires" is scored by F1 for k = 1…MaxK, and k grows while F1 rises by more than F1Jump;</item>
/// <item>on test tokens of ℓ that the probe classifies right, a false negative is one where no main latent fires;</item>
/// <item>a false negative is absorbed when the token's probe projection P = (x − b_dec)·p is positive and the active
/// non-main latent j with the largest projection a_j·(W_dec[j]·p) has cos(W_dec[j], p) ≥ CosineThreshold and carries
/// at least ProjectionShare·P;</item>
/// <item>absorption rate = absorbed / false negatives.</item>
/// </list>
/// </summary>
public static class FirstLetterAbsorption
{
    /// <summary>Measures absorption of every letter; x holds raw activations of lettered tokens (rows × d_in).</summary>
    public static (AbsorptionResult Result, List<AbsorptionToken> Tokens) Measure(Sae sae, Matrix x, int[] letter, string[] classes,
        string[] tokenText, long[] rows, DataSplit split, LinearClassifier probe, AbsorptionOptions options)
    {
        int n = x.Rows, d = sae.DIn, m = sae.DSae, letters = classes.Length;
        var codes = sae.Encode(x.Data, n);
        var isTest = new bool[n];
        foreach (var i in split.Test) isTest[i] = true;
        var train = split.Train.Concat(split.Validation).Order().ToArray();
        var test = split.Test.Order().ToArray();
        var predicted = new int[n];
        var testPredictions = probe.Predict(x.SelectRows(test));
        for (var t = 0; t < test.Length; t++) predicted[test[t]] = testPredictions[t];

        // Per letter and latent: summed activation over train tokens of that letter (for the mean-difference ranking).
        var sums = new double[letters * m];
        var totals = new double[m];
        var trainCount = new int[letters];
        foreach (var i in train)
        {
            trainCount[letter[i]]++;
            var ls = codes.LatentsOf(i); var vs = codes.ValuesOf(i);
            for (var p = 0; p < ls.Length; p++) { sums[letter[i] * m + ls[p]] += vs[p]; totals[ls[p]] += vs[p]; }
        }
        var decoderNorm = new double[m];
        var encoderNorm = new double[m];
        for (var j = 0; j < m; j++)
        {
            decoderNorm[j] = TensorPrimitives.Norm(sae.Weights.DecoderRows.AsSpan(j * d, d));
            encoderNorm[j] = TensorPrimitives.Norm(sae.Weights.EncoderRows.AsSpan(j * d, d));
        }

        var results = new List<AbsorptionLetter>();
        var tokens = new List<AbsorptionToken>();
        for (var c = 0; c < letters; c++)
        {
            var direction = probe.Weights.AsSpan(c * d, d).ToArray();
            var norm = TensorPrimitives.Norm(direction);
            if (norm > 0) TensorPrimitives.Divide(direction, norm, direction);
            var decoderDot = new double[m];   // W_dec[j]·p: a latent's contribution to the probe projection per unit of activation
            var decoderCos = new double[m];
            var encoderCos = new double[m];
            for (var j = 0; j < m; j++)
            {
                decoderDot[j] = TensorPrimitives.Dot(sae.Weights.DecoderRows.AsSpan(j * d, d), direction);
                decoderCos[j] = decoderNorm[j] > 0 ? decoderDot[j] / decoderNorm[j] : 0;
                encoderCos[j] = encoderNorm[j] > 0 ? TensorPrimitives.Dot(sae.Weights.EncoderRows.AsSpan(j * d, d), direction) / encoderNorm[j] : 0;
            }
            var biasDot = TensorPrimitives.Dot(sae.Weights.DecoderBias, direction);

            int testCount = 0, tp = 0, fp = 0, fn = 0;
            foreach (var i in test)
            {
                if (letter[i] == c) testCount++;
                if (predicted[i] == c && letter[i] == c) tp++;
                else if (predicted[i] == c) fp++;
                else if (letter[i] == c) fn++;
            }
            var probeF1 = F1(tp, fp, fn);
            var row = new AbsorptionLetter { Letter = classes[c], TrainTokens = trainCount[c], TestTokens = testCount, ProbeF1 = probeF1 };
            if (testCount < options.MinTestTokens || trainCount[c] == 0)
            {
                results.Add(row with { Skipped = $"{testCount} test tokens (at least {options.MinTestTokens} needed)" });
                continue;
            }
            if (probeF1 < options.MinProbeF1)
            {
                results.Add(row with { Skipped = $"probe F1 {probeF1:0.000} is below {options.MinProbeF1}: the probe does not find this letter" });
                continue;
            }

            // Candidates: the latents whose mean activation rises most on this letter's train tokens.
            var others = train.Length - trainCount[c];
            var candidates = Enumerable.Range(0, m)
                .Select(j => (j, diff: sums[c * m + j] / trainCount[c] - (others > 0 ? (totals[j] - sums[c * m + j]) / others : 0)))
                .Where(t => t.diff > 0).OrderByDescending(t => t.diff).ThenBy(t => t.j).Take(options.MaxK).Select(t => t.j).ToArray();
            var kF1 = KSparseF1(codes, train, letter, c, candidates, m);
            var k = kF1.Length == 0 ? 0 : 1;
            for (var kk = 2; kk <= kF1.Length && kF1[kk - 1] > kF1[k - 1] + options.F1Jump; kk++) k = kk;
            var main = candidates[..k];
            var isMain = new bool[m];
            foreach (var j in main) isMain[j] = true;

            int mtp = 0, mfp = 0, mfn = 0, probeTp = 0, falseNegatives = 0, absorbed = 0;
            double fractionSum = 0;
            var absorbers = new Dictionary<int, (int Count, double Share, Dictionary<string, int> Examples)>();
            foreach (var i in test)
            {
                var ls = codes.LatentsOf(i); var vs = codes.ValuesOf(i);
                var fired = false;
                for (var p = 0; p < ls.Length; p++) if (isMain[ls[p]] && vs[p] > 0) fired = true;
                if (fired && letter[i] == c) mtp++;
                else if (fired) mfp++;
                else if (letter[i] == c) mfn++;
                if (letter[i] != c || predicted[i] != c) continue;

                probeTp++;
                var probeProjection = TensorPrimitives.Dot(x.Row(i), direction) - biasDot;
                int top = -1; double topProjection = double.NegativeInfinity, mainProjection = 0;
                var candidatesProjection = new List<double>();
                for (var p = 0; p < ls.Length; p++)
                {
                    if (vs[p] <= 0) continue;   // a TopK code can hold zeros when fewer than k pre-activations are positive
                    var projection = vs[p] * decoderDot[ls[p]];
                    if (isMain[ls[p]]) { mainProjection += projection; continue; }
                    if (projection > topProjection) (top, topProjection) = (ls[p], projection);
                    if (decoderCos[ls[p]] >= options.FractionCosineThreshold && projection > 0) candidatesProjection.Add(projection);
                }
                var isAbsorbed = !fired && probeProjection > 0 && top >= 0 && decoderCos[top] >= options.CosineThreshold
                    && topProjection >= options.ProjectionShare * probeProjection;
                var fraction = AbsorptionFraction(probeProjection, mainProjection,
                    candidatesProjection.OrderDescending().Take(options.FractionMaxAbsorbers).Sum(), options.ProjectionShare);
                fractionSum += fraction;
                if (!fired) falseNegatives++;
                if (isAbsorbed)
                {
                    absorbed++;
                    var entry = absorbers.TryGetValue(top, out var e) ? e : (Count: 0, Share: 0.0, Examples: new Dictionary<string, int>());
                    entry.Examples[tokenText[i]] = entry.Examples.GetValueOrDefault(tokenText[i]) + 1;
                    absorbers[top] = (entry.Count + 1, entry.Share + topProjection / probeProjection, entry.Examples);
                }
                tokens.Add(new AbsorptionToken(rows[i], classes[c], tokenText[i], fired, isAbsorbed, isAbsorbed ? top : -1,
                    probeProjection, top, top >= 0 ? topProjection : 0, top >= 0 ? decoderCos[top] : 0, fraction));
            }
            results.Add(row with
            {
                Evaluated = true, MainFeatures = main, KSparseF1 = kF1,
                MainEncoderCosine = [.. main.Select(j => encoderCos[j])], MainDecoderCosine = [.. main.Select(j => decoderCos[j])],
                MainPrecision = mtp + mfp == 0 ? 0 : (double)mtp / (mtp + mfp), MainRecall = mtp + mfn == 0 ? 0 : (double)mtp / (mtp + mfn),
                MainF1 = F1(mtp, mfp, mfn), ProbeTruePositives = probeTp, FalseNegatives = falseNegatives, Absorbed = absorbed,
                AbsorptionRate = falseNegatives == 0 ? 0 : (double)absorbed / falseNegatives,
                FullAbsorptionScore = probeTp == 0 ? 0 : (double)absorbed / probeTp,
                MeanAbsorptionFraction = probeTp == 0 ? 0 : fractionSum / probeTp,
                AbsorbingFeatures = [.. absorbers.OrderByDescending(a => a.Value.Count).ThenBy(a => a.Key).Select(a => new AbsorbingFeature(
                    a.Key, a.Value.Count, decoderCos[a.Key], a.Value.Share / a.Value.Count,
                    [.. a.Value.Examples.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Take(5).Select(t => t.Key)]))],
            });
        }

        var evaluated = results.Where(r => r.Evaluated).ToArray();
        var correct = test.Count(i => predicted[i] == letter[i]);
        return (new AbsorptionResult
        {
            Hook = sae.Info.HookName, Options = options, Tokens = n, TrainTokens = train.Length, TestTokens = test.Length,
            ProbeAccuracy = test.Length == 0 ? 0 : (double)correct / test.Length,
            EvaluatedLetters = evaluated.Length,
            MeanAbsorptionRate = evaluated.Length == 0 ? 0 : evaluated.Average(r => r.AbsorptionRate),
            MeanFullAbsorptionScore = evaluated.Length == 0 ? 0 : evaluated.Average(r => r.FullAbsorptionScore),
            MeanAbsorptionFraction = evaluated.Length == 0 ? 0 : evaluated.Average(r => r.MeanAbsorptionFraction),
            Letters = [.. results],
        }, tokens);
    }

    // F1 of "any of the top k candidates fires" for k = 1…candidates: each train token's first firing candidate rank.
    private static double[] KSparseF1(SparseCodes codes, int[] train, int[] letter, int c, int[] candidates, int m)
    {
        var rank = Enumerable.Repeat(int.MaxValue, m).ToArray();
        for (var r = 0; r < candidates.Length; r++) rank[candidates[r]] = r;
        var positivesAt = new int[candidates.Length + 1];
        var negativesAt = new int[candidates.Length + 1];
        var positives = 0;
        foreach (var i in train)
        {
            var first = candidates.Length;
            var ls = codes.LatentsOf(i); var vs = codes.ValuesOf(i);
            for (var p = 0; p < ls.Length; p++) if (vs[p] > 0 && rank[ls[p]] < first) first = rank[ls[p]];
            if (letter[i] == c) { positives++; positivesAt[first]++; }
            else negativesAt[first]++;
        }
        var f1 = new double[candidates.Length];
        int tp = 0, fp = 0;
        for (var k = 0; k < candidates.Length; k++)
        {
            tp += positivesAt[k]; fp += negativesAt[k];
            f1[k] = F1(tp, fp, positives - tp);
        }
        return f1;
    }

    // SAEBench's absorption fraction: the share of the probe projection left unexplained by the main latents that the
    // (at most FractionMaxAbsorbers) aligned non-main latents account for.
    private static double AbsorptionFraction(double probe, double main, double absorbers, double share)
    {
        if (probe <= 0 || main >= probe || absorbers / probe < share) return 0;
        if (main <= 0) return 1;
        var absorbed = Math.Min(absorbers, probe - main);
        return Math.Clamp(absorbed / (absorbed + main), 0, 1);
    }

    private static double F1(int tp, int fp, int fn) => tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
}
