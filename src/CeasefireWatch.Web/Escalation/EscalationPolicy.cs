using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Web.Escalation;

/// <summary>A tier the policy has made due, and the instant it fell due.</summary>
public readonly record struct StageDue(Stage Stage, DateTime DueAt);

/// <summary>
/// The escalation rules as pure code: given the first violation (T0), whether and when
/// hostilities ceased, and "now", which tiers are due and when the next one falls due.
/// It touches neither the database nor a clock, so every boundary can be tested directly.
/// </summary>
/// <remarks>
/// Deadlines are absolute UTC instants (T0 + window), so no time-zone change can move them.
/// A tier is due at its deadline exactly (a tick earlier it is not), and is reached only
/// while hostilities continue: an incident that ceased at or before a deadline never reaches it.
/// </remarks>
public sealed class EscalationPolicy
{
    public EscalationPolicy(TimeSpan tier2After, TimeSpan tier3After)
    {
        if (tier2After <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tier2After), tier2After, "Tier 2 must fall due after T0.");
        }

        if (tier3After <= tier2After)
        {
            throw new ArgumentOutOfRangeException(nameof(tier3After), tier3After, "Tier 3 must fall due after tier 2.");
        }

        Tier2After = tier2After;
        Tier3After = tier3After;
    }

    public EscalationPolicy(EscalationOptions options)
        : this(options.Tier2After, options.Tier3After)
    {
    }

    public TimeSpan Tier2After { get; }

    public TimeSpan Tier3After { get; }

    /// <summary>The instant <paramref name="stage"/> falls due for an incident whose first violation was at <paramref name="t0"/>.</summary>
    public DateTime DueAt(Stage stage, DateTime t0) => stage switch
    {
        Stage.UkrainianForces => t0,
        Stage.Coalition => t0 + Tier2After,
        Stage.UsBackstop => t0 + Tier3After,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    /// <summary>
    /// The tiers above <paramref name="current"/> that are due at <paramref name="now"/>, in order.
    /// </summary>
    public IReadOnlyList<StageDue> DueStages(Stage current, DateTime t0, DateTime? ceasedAt, DateTime now)
    {
        var due = new List<StageDue>(3);
        foreach (var stage in StageInfo.All)
        {
            if (stage <= current)
            {
                continue;
            }

            var dueAt = DueAt(stage, t0);
            var reachedBeforeNow = dueAt <= now;
            var stillActiveWhenDue = ceasedAt is null || ceasedAt.Value > dueAt;
            if (!reachedBeforeNow || !stillActiveWhenDue)
            {
                break;
            }

            due.Add(new StageDue(stage, dueAt));
        }

        return due;
    }

    /// <summary>When the tier after <paramref name="current"/> falls due; null when none will (top tier, or the clock stopped).</summary>
    public DateTime? NextStageAt(Stage current, IncidentStatus status, DateTime t0) =>
        status == IncidentStatus.Active && current.Next() is { } next ? DueAt(next, t0) : null;
}
