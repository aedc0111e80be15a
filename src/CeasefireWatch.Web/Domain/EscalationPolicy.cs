
namespace CeasefireWatch.Web.Domain;

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
    public EscalationPolicy(TimeSpan tier2After, TimeSpan tier3After, bool requireVerificationBeyondTier1 = false, TimeSpan? checklistOverdueAfter = null)
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
        RequireVerificationBeyondTier1 = requireVerificationBeyondTier1;
        ChecklistOverdueAfter = checklistOverdueAfter ?? TimeSpan.FromHours(6);
    }

    /// <summary>Whether an incident must be <see cref="Verification.Verified"/> to go beyond tier 1.</summary>
    public bool RequireVerificationBeyondTier1 { get; }

    /// <summary>How long after its tier began an open checklist item becomes overdue.</summary>
    public TimeSpan ChecklistOverdueAfter { get; }

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
    /// The tiers above <paramref name="current"/> that are due at <paramref name="now"/>, in order. A tier is reached
    /// only while hostilities continue: its deadline must come before <paramref name="ceasedAt"/> and not before
    /// <paramref name="resumedAt"/> (the last reopening). A deadline that passed while the incident was resolved is
    /// forfeited on its own; it is entered only together with a later deadline that falls due while active, and
    /// then with that deadline as its due instant (the tiers passed over are entered at the same instant).
    /// </summary>
    public IReadOnlyList<StageDue> DueStages(Stage current, DateTime t0, DateTime? ceasedAt, DateTime now, DateTime? resumedAt = null)
    {
        var due = new List<StageDue>(3);
        var forfeited = new List<Stage>(2);
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

            if (resumedAt is { } resumed && dueAt < resumed)
            {
                forfeited.Add(stage);
                continue;
            }

            due.AddRange(forfeited.Select(f => new StageDue(f, dueAt)));
            forfeited.Clear();
            due.Add(new StageDue(stage, dueAt));
        }

        return due;
    }

    /// <summary>
    /// When the next tier after <paramref name="current"/> falls due; null when none will (top tier, or the clock
    /// stopped). After a reopening at <paramref name="resumedAt"/>, the next deadline not before it.
    /// </summary>
    public DateTime? NextStageAt(Stage current, IncidentStatus status, DateTime t0, DateTime? resumedAt = null)
    {
        if (status != IncidentStatus.Active)
        {
            return null;
        }

        for (var next = current.Next(); next is { } stage; next = stage.Next())
        {
            var dueAt = DueAt(stage, t0);
            if (resumedAt is not { } resumed || dueAt >= resumed)
            {
                return dueAt;
            }
        }

        return null;
    }
}
