using System.Globalization;
using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// The list filters of CONTRACT.md, shared by the incident list and the CSV export. They arrive as text,
/// so that a wrong name or a time without an offset is a field message rather than a binding failure
/// or a silent guess.
/// </summary>
public interface IIncidentFilter
{
    string? Status { get; }

    string? Stage { get; }

    string? Oblast { get; }

    /// <summary>First violation at or after this instant (ISO 8601 with an offset).</summary>
    string? From { get; }

    /// <summary>First violation at or before this instant (ISO 8601 with an offset).</summary>
    string? To { get; }

    /// <summary>A verification name (Unverified, Verified, Disputed, FalseReport).</summary>
    string? Verification => null;

    /// <summary>"true": only active incidents with a checklist item overdue.</summary>
    string? Overdue => null;

    /// <summary>A search text: the reference, title, place or description holds it (the incident list's search box).</summary>
    string? Q => null;
}

public static class IncidentFilterExtensions
{
    public const int MaxSearchLength = 200;

    /// <summary>
    /// Every filter at once — the fields, the search text, overdue only — as the list shows them, so that an export
    /// of a searched or "overdue only" list holds what the list held.
    /// </summary>
    public static IQueryable<Incident> Selected(this IQueryable<Incident> incidents, IIncidentFilter filter, DateTime now, TimeSpan overdueAfter)
    {
        incidents = incidents.Matching(filter).Containing(filter.Q);
        return filter.WantsOverdue() ? incidents.Overdue(now, overdueAfter) : incidents;
    }

    /// <summary>Applies the (validated) filters: status, stage, oblast, and T0 within [from, to].</summary>
    public static IQueryable<Incident> Matching(this IQueryable<Incident> incidents, IIncidentFilter filter)
    {
        if (ContractText.TryParseName<IncidentStatus>(filter.Status, out var status))
        {
            incidents = incidents.Where(i => i.Status == status);
        }

        if (ContractText.TryParseName<Stage>(filter.Stage, out var stage))
        {
            incidents = incidents.Where(i => i.Stage == stage);
        }

        if (Oblasts.Canonical(filter.Oblast) is { } oblast)
        {
            incidents = incidents.Where(i => i.Oblast == oblast);
        }

        if (ContractText.TryParseName<Verification>(filter.Verification, out var verification))
        {
            incidents = incidents.Where(i => i.Verification == verification);
        }

        if (ContractText.TryParseInstant(filter.From, out var from))
        {
            var fromUtc = from.UtcDateTime;
            incidents = incidents.Where(i => i.OccurredAt >= fromUtc);
        }

        if (ContractText.TryParseInstant(filter.To, out var to))
        {
            var toUtc = to.UtcDateTime;
            incidents = incidents.Where(i => i.OccurredAt <= toUtc);
        }

        return incidents;
    }

    /// <summary>
    /// Incidents whose reference, title, location, oblast or description holds <paramref name="text"/>. LIKE ignores
    /// case for Latin letters only (SQLite), so the text is also tried in lower case and capitalised: "харків" finds
    /// "Харків". A reference (CW-00042, or its number) finds that incident too.
    /// </summary>
    public static IQueryable<Incident> Containing(this IQueryable<Incident> incidents, string? text)
    {
        var term = text?.Trim();
        if (string.IsNullOrEmpty(term))
        {
            return incidents;
        }

        var id = Incident.ParseReference(term) ?? (int.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1);
        var escaped = term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        var lower = escaped.ToLowerInvariant();
        var capitalised = lower.Length > 0 ? char.ToUpperInvariant(lower[0]) + lower[1..] : lower;
        string[] patterns = [.. new[] { escaped, lower, capitalised }.Distinct().Select(p => $"%{p}%")];
        var a = patterns[0];
        var b = patterns.Length > 1 ? patterns[1] : a;
        var c = patterns.Length > 2 ? patterns[2] : a;
        return incidents.Where(i => i.Id == id
            || EF.Functions.Like(i.Title, a, "\\") || EF.Functions.Like(i.Title, b, "\\") || EF.Functions.Like(i.Title, c, "\\")
            || EF.Functions.Like(i.Location, a, "\\") || EF.Functions.Like(i.Location, b, "\\") || EF.Functions.Like(i.Location, c, "\\")
            || EF.Functions.Like(i.Oblast, a, "\\") || EF.Functions.Like(i.Oblast, b, "\\") || EF.Functions.Like(i.Oblast, c, "\\")
            || EF.Functions.Like(i.Description, a, "\\") || EF.Functions.Like(i.Description, b, "\\") || EF.Functions.Like(i.Description, c, "\\"));
    }

    /// <summary>
    /// Active incidents with a checklist item still open <paramref name="overdueAfter"/> after its tier began
    /// (<see cref="Incident.Checklist"/> says the same per item, in memory).
    /// </summary>
    public static IQueryable<Incident> Overdue(this IQueryable<Incident> incidents, DateTime now, TimeSpan overdueAfter)
    {
        var began = now - overdueAfter;
        return incidents.Where(i => i.Status == IncidentStatus.Active && (
            (i.Tier1EnteredAt <= began && (i.DiplomaticWarningIssuedAt == null || i.UkrainianForcesResponseAt == null))
            || (i.Tier2EnteredAt <= began && (i.LeadsAcknowledgedAt == null || i.MembersNotifiedAt == null))
            || (i.Tier3EnteredAt <= began && i.UsBackstopActivatedAt == null)));
    }

    /// <summary>Whether the filter asks for overdue incidents only.</summary>
    public static bool WantsOverdue(this IIncidentFilter filter) =>
        bool.TryParse(filter.Overdue?.Trim(), out var overdue) && overdue;
}

public sealed class IncidentFilterValidator : AbstractValidator<IIncidentFilter>
{
    public IncidentFilterValidator()
    {
        RuleFor(f => f.Status)
            .Must(s => ContractText.TryParseName<IncidentStatus>(s, out _))
            .When(f => !string.IsNullOrWhiteSpace(f.Status))
            .WithMessage(f => Text.Format("'{0}' is not a status; use {1}.", f.Status, string.Join(" or ", Enum.GetNames<IncidentStatus>())));
        RuleFor(f => f.Stage)
            .Must(s => ContractText.TryParseName<Stage>(s, out _))
            .When(f => !string.IsNullOrWhiteSpace(f.Stage))
            .WithMessage(f => Text.Format("'{0}' is not a stage; use {1}.", f.Stage, string.Join(", ", Enum.GetNames<Stage>())));
        RuleFor(f => f.Oblast)
            .Must(o => Oblasts.Canonical(o) is not null)
            .When(f => !string.IsNullOrWhiteSpace(f.Oblast))
            .WithMessage(f => Text.Format("'{0}' is not one of Ukraine's regions.", f.Oblast));
        RuleFor(f => f.Verification)
            .Must(v => ContractText.TryParseName<Verification>(v, out _))
            .When(f => !string.IsNullOrWhiteSpace(f.Verification))
            .WithMessage(f => Text.Format("'{0}' is not a verification; use {1}.", f.Verification, string.Join(", ", Enum.GetNames<Verification>())));
        RuleFor(f => f.Q).MaximumLength(IncidentFilterExtensions.MaxSearchLength).WithMessage("Keep the search to {MaxLength} characters.");
        RuleFor(f => f.Overdue)
            .Must(o => bool.TryParse(o?.Trim(), out _))
            .When(f => !string.IsNullOrWhiteSpace(f.Overdue))
            .WithMessage(f => Text.Format("'{0}' is not true or false.", f.Overdue));
        RuleFor(f => f.From)
            .Must(t => ContractText.TryParseInstant(t, out _))
            .When(f => !string.IsNullOrWhiteSpace(f.From))
            .WithMessage($"'from' must be an ISO 8601 time with an offset, such as {ContractText.InstantExample}.");
        RuleFor(f => f.To)
            .Must(t => ContractText.TryParseInstant(t, out _))
            .When(f => !string.IsNullOrWhiteSpace(f.To))
            .WithMessage($"'to' must be an ISO 8601 time with an offset, such as {ContractText.InstantExample}.");
        RuleFor(f => f.To)
            .Must((f, to) => !ContractText.TryParseInstant(f.From, out var from)
                || !ContractText.TryParseInstant(to, out var until) || until >= from)
            .WithMessage("'to' must not be before 'from'.");
    }
}
