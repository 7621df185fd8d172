namespace Analysis.Interventions;

/// <summary>A token's logit and probability at the prompt's last position, and their change from the unsteered run.</summary>
/// <param name="Token">The token string.</param>
/// <param name="Id">Its id.</param>
/// <param name="Logit">Logit after steering.</param>
/// <param name="Probability">Probability after steering.</param>
/// <param name="LogitChange">Logit after minus logit before.</param>
/// <param name="ProbabilityBefore">Probability before steering.</param>
public sealed record TokenScore(string Token, int Id, double Logit, double Probability, double LogitChange, double ProbabilityBefore);

/// <summary>One steering strength applied to one prompt.</summary>
/// <param name="Alpha">The multiple of the direction added.</param>
/// <param name="Targets">The target tokens' scores.</param>
/// <param name="Top">The most likely next tokens after steering.</param>
/// <param name="KlFromClean">KL(clean ‖ steered) of the next-token distribution, in nats.</param>
public sealed record SteeredAlpha(double Alpha, TokenScore[] Targets, TokenScore[] Top, double KlFromClean);

/// <summary>Steering results for one prompt.</summary>
/// <param name="Prompt">The prompt text.</param>
/// <param name="TokenIds">Its token ids.</param>
/// <param name="CleanTop">The most likely next tokens without steering.</param>
/// <param name="ByAlpha">One entry per α.</param>
public sealed record SteeredPrompt(string Prompt, int[] TokenIds, TokenScore[] CleanTop, SteeredAlpha[] ByAlpha);

/// <summary>What <c>analysis steer</c> writes under the results.json entry "steering".</summary>
/// <param name="Model">The model file.</param>
/// <param name="Hook">The steered hook.</param>
/// <param name="Direction">How the direction was made.</param>
/// <param name="Positions">Which positions were steered ("all" or "last").</param>
/// <param name="Alphas">The strengths.</param>
/// <param name="Prompts">Per prompt.</param>
public sealed record SteeringResult(string Model, string Hook, string Direction, string Positions, double[] Alphas, SteeredPrompt[] Prompts);
