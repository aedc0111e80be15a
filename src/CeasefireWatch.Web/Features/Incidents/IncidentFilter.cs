using CeasefireWatch.Web.Domain;
using FluentValidation;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// The list filters of CONTRACT.md, shared by the incident list and the CSV export. Status and stage
/// arrive as text so that a wrong name is a field message rather than a binding failure.
/// </summary>
public interface IIncidentFilter
{
    string? Status { get; }

    string? Stage { get; }

    string? Oblast { get; }

    DateTimeOffset? From { get; }

    DateTimeOffset? To { get; }
}

public static class IncidentFilterExtensions
{
    /// <summary>Applies the (validated) filters: status, stage, oblast, and T0 within [from, to].</summary>
    public static IQueryable<Incident> Matching(this IQueryable<Incident> incidents, IIncidentFilter filter)
    {
        if (ParseName<IncidentStatus>(filter.Status) is { } status)
        {
            incidents = incidents.Where(i => i.Status == status);
        }

        if (ParseName<Stage>(filter.Stage) is { } stage)
        {
            incidents = incidents.Where(i => i.Stage == stage);
        }

        if (Oblasts.Canonical(filter.Oblast) is { } oblast)
        {
            incidents = incidents.Where(i => i.Oblast == oblast);
        }

        if (filter.From is { } from)
        {
            var fromUtc = from.UtcDateTime;
            incidents = incidents.Where(i => i.OccurredAt >= fromUtc);
        }

        if (filter.To is { } to)
        {
            var toUtc = to.UtcDateTime;
            incidents = incidents.Where(i => i.OccurredAt <= toUtc);
        }

        return incidents;
    }

    /// <summary>A contract name (case-insensitive); numbers are not names and are refused.</summary>
    public static T? ParseName<T>(string? value)
        where T : struct, Enum =>
        !string.IsNullOrWhiteSpace(value) && !char.IsAsciiDigit(value.Trim()[0]) && !value.Trim().StartsWith('-')
        && Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : null;
}

public sealed class IncidentFilterValidator : AbstractValidator<IIncidentFilter>
{
    public IncidentFilterValidator()
    {
        RuleFor(f => f.Status)
            .Must(s => IncidentFilterExtensions.ParseName<IncidentStatus>(s) is not null)
            .When(f => !string.IsNullOrWhiteSpace(f.Status))
            .WithMessage(f => $"'{f.Status}' is not a status; use {string.Join(" or ", Enum.GetNames<IncidentStatus>())}.");
        RuleFor(f => f.Stage)
            .Must(s => IncidentFilterExtensions.ParseName<Stage>(s) is not null)
            .When(f => !string.IsNullOrWhiteSpace(f.Stage))
            .WithMessage(f => $"'{f.Stage}' is not a stage; use {string.Join(", ", Enum.GetNames<Stage>())}.");
        RuleFor(f => f.Oblast)
            .Must(o => Oblasts.Canonical(o) is not null)
            .When(f => !string.IsNullOrWhiteSpace(f.Oblast))
            .WithMessage(f => $"'{f.Oblast}' is not one of Ukraine's regions.");
        RuleFor(f => f.To)
            .GreaterThanOrEqualTo(f => f.From)
            .When(f => f.From is not null && f.To is not null)
            .WithMessage("'to' must not be before 'from'.");
    }
}
