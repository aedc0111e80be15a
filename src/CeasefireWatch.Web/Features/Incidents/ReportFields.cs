using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Domain;
using FluentValidation;
using Severity = CeasefireWatch.Web.Domain.Severity;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// The fields every violation report carries, shared by the first report (which opens an incident) and
/// follow-ups. Everything is nullable so that a missing field is a validation message, not a parse error.
/// </summary>
public interface IReportFields
{
    DateTimeOffset? OccurredAt { get; }

    string? Oblast { get; }

    string? Location { get; }

    double? Latitude { get; }

    double? Longitude { get; }

    ViolationType? ViolationType { get; }

    Severity? Severity { get; }

    SourceType? SourceType { get; }

    string? Description { get; }

    int? Killed { get; }

    int? Wounded { get; }
}

public static class ReportFieldsExtensions
{
    /// <summary>The validated fields as the domain takes them: UTC, canonical oblast, trimmed text.</summary>
    public static ReportDetails ToDetails(this IReportFields r) => new(
        r.OccurredAt!.Value.UtcDateTime,
        Oblasts.Canonical(r.Oblast)!,
        r.Location!.Trim(),
        r.ViolationType!.Value,
        r.Severity!.Value,
        r.SourceType!.Value,
        r.Description?.Trim() ?? string.Empty,
        r.Latitude,
        r.Longitude,
        r.Killed,
        r.Wounded);
}

public sealed class ReportFieldsValidator : AbstractValidator<IReportFields>
{
    /// <summary>Ukraine with a margin (its sea areas and borders): a swapped latitude and longitude falls outside.</summary>
    public const double MinLatitude = 43.0, MaxLatitude = 53.0, MinLongitude = 21.0, MaxLongitude = 41.0;

    /// <summary>No report predates the war that the ceasefire ends.</summary>
    public static readonly DateTimeOffset EarliestOccurrence = new(2014, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public ReportFieldsValidator(TimeProvider clock)
    {
        RuleFor(r => r.OccurredAt)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("Say when the violation occurred.")
            .Must(t => t <= clock.GetUtcNow() + IncidentLimits.ClockSkew)
            // Kyiv first, as people type and read times, and UTC beside it, as the API's callers send them.
            .WithMessage(r => Text.Format("The time the violation occurred ({0}, {1:u}) is in the future; at most {2:0} minutes ahead of this server's clock ({3}, {4:u}) is accepted.",
                ZoneTime.Format(r.OccurredAt!.Value.UtcDateTime, TimeInputZone.Kyiv), r.OccurredAt, IncidentLimits.ClockSkew.TotalMinutes,
                ZoneTime.Format(clock.GetUtcNow().UtcDateTime, TimeInputZone.Kyiv), clock.GetUtcNow()))
            .GreaterThanOrEqualTo(EarliestOccurrence).WithMessage($"The time the violation occurred must be after {EarliestOccurrence:yyyy-MM-dd}.");

        RuleFor(r => r.Oblast)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Pick the oblast where it happened.")
            .Must(o => Oblasts.Canonical(o) is not null)
            .WithMessage(r => Text.Format("'{0}' is not one of Ukraine's regions; use one of: {1}.", r.Oblast, string.Join(", ", Oblasts.All)));

        RuleFor(r => r.Location)
            .NotEmpty().WithMessage("Give the settlement or location.")
            .MaximumLength(IncidentLimits.Location);

        RuleFor(r => r.Latitude)
            .InclusiveBetween(MinLatitude, MaxLatitude)
            .WithMessage($"Latitude must be between {MinLatitude} and {MaxLatitude} (Ukraine, in decimal degrees).");
        RuleFor(r => r.Longitude)
            .InclusiveBetween(MinLongitude, MaxLongitude)
            .WithMessage($"Longitude must be between {MinLongitude} and {MaxLongitude} (Ukraine, in decimal degrees).");
        RuleFor(r => r.Longitude)
            .NotNull().When(r => r.Latitude is not null).WithMessage("Give the longitude too, or neither coordinate.");
        RuleFor(r => r.Latitude)
            .NotNull().When(r => r.Longitude is not null).WithMessage("Give the latitude too, or neither coordinate.");

        RuleFor(r => r.ViolationType).NotNull().WithMessage("Pick the type of violation.").IsInEnum();
        RuleFor(r => r.Severity).NotNull().WithMessage("Pick the severity.").IsInEnum();
        RuleFor(r => r.SourceType).NotNull().WithMessage("Pick the source of the report.").IsInEnum();

        RuleFor(r => r.Description).MaximumLength(IncidentLimits.Description);

        RuleFor(r => r.Killed)
            .InclusiveBetween(0, IncidentLimits.MaxCasualties).WithMessage($"Killed must be a whole number from 0 to {IncidentLimits.MaxCasualties}.");
        RuleFor(r => r.Wounded)
            .InclusiveBetween(0, IncidentLimits.MaxCasualties).WithMessage($"Wounded must be a whole number from 0 to {IncidentLimits.MaxCasualties}.");
    }
}
