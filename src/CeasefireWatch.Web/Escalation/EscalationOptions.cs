using System.ComponentModel.DataAnnotations;
using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Web.Escalation;

/// <summary>The escalation windows, bound from the <c>Escalation</c> configuration section.</summary>
public sealed class EscalationOptions : IValidatableObject
{
    public const string Section = "Escalation";

    /// <summary>How long after the first violation tier 2 (Coalition) falls due.</summary>
    public TimeSpan Tier2After { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long after the first violation tier 3 (US backstop) falls due.</summary>
    public TimeSpan Tier3After { get; set; } = TimeSpan.FromHours(72);

    /// <summary>When true, an incident that is not <c>Verified</c> is held at tier 1 when tier 2 falls due (CONTRACT.md).</summary>
    public bool RequireVerificationBeyondTier1 { get; set; }

    /// <summary>A tier checklist item still open this long after its tier began is overdue.</summary>
    public TimeSpan ChecklistOverdueAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The pure policy these settings describe (the domain knows nothing of configuration).</summary>
    public EscalationPolicy ToPolicy() =>
        new(Tier2After, Tier3After, RequireVerificationBeyondTier1, ChecklistOverdueAfter);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Tier2After <= TimeSpan.Zero)
        {
            yield return new ValidationResult(
                $"Escalation:Tier2After must be a positive TimeSpan such as 1.00:00:00; it is {Tier2After}.",
                [nameof(Tier2After)]);
        }

        if (ChecklistOverdueAfter <= TimeSpan.Zero)
        {
            yield return new ValidationResult(
                $"Escalation:ChecklistOverdueAfter must be a positive TimeSpan such as 06:00:00; it is {ChecklistOverdueAfter}.",
                [nameof(ChecklistOverdueAfter)]);
        }

        if (Tier3After <= Tier2After)
        {
            yield return new ValidationResult(
                $"Escalation:Tier3After ({Tier3After}) must be later than Escalation:Tier2After ({Tier2After}).",
                [nameof(Tier3After)]);
        }
    }
}
