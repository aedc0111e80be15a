using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CeasefireWatch.Web.Pages.Incidents;

/// <summary>
/// The report fields as a browser form sends them: the time as a wall-clock value plus the zone it was
/// typed in. Property names match <see cref="IReportFields"/>, so validation messages land on their fields.
/// </summary>
public class ReportForm
{
    /// <summary>
    /// Text, not a DateTime: day-month-year is parsed here in one known format (<see cref="ZoneTime"/>), never by the
    /// culture of the request, and what was typed is shown back unchanged when it is refused.
    /// </summary>
    public string? OccurredAt { get; set; }

    /// <summary>
    /// The page preselects the person's zone (Kyiv unless they chose UTC) and always sends it; a post without one
    /// (a script) is read as UTC, as the API reads times.
    /// </summary>
    public TimeInputZone OccurredAtZone { get; set; } = TimeInputZone.Utc;

    public string? Oblast { get; set; }

    public string? Location { get; set; }

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    public ViolationType? ViolationType { get; set; }

    public Severity? Severity { get; set; }

    public SourceType? SourceType { get; set; }

    public string? Description { get; set; }

    public int? Killed { get; set; }

    public int? Wounded { get; set; }

    public bool TryGetOccurredAt(ModelStateDictionary modelState, string prefix, out DateTimeOffset? occurredAt) =>
        TimeInput.TryToUtc(OccurredAt, OccurredAtZone, modelState, $"{prefix}.{nameof(OccurredAt)}", out occurredAt);
}

/// <summary>Turns a wall-clock time typed in a form into an instant.</summary>
public static class TimeInput
{
    /// <summary>
    /// The instant typed, as UTC. Text that is not a day-month-year time, or a Kyiv time that the clocks skipped or
    /// repeated, is refused with a message on the field; a missing time is left to the validator (it may be optional).
    /// </summary>
    public static bool TryToUtc(
        string? typed, TimeInputZone zone, ModelStateDictionary modelState, string key, out DateTimeOffset? instant)
    {
        instant = null;
        if (string.IsNullOrWhiteSpace(typed))
        {
            return true;
        }

        if (!ZoneTime.TryParseWallClock(typed, out var wallClock))
        {
            modelState.AddModelError(key, Text.Format(
                "'{0}' is not a date and time: enter day.month.year hours:minutes, such as {1}.", typed.Trim(), "04.02.2026 08:00"));
            return false;
        }

        if (!Enum.IsDefined(zone))
        {
            return true; // the binder has already put a message on the zone field
        }

        if (zone == TimeInputZone.Utc)
        {
            instant = new DateTimeOffset(DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified), TimeSpan.Zero);
            return true;
        }

        if (KyivTime.TryToUtc(wallClock, out var utc, out var error))
        {
            instant = new DateTimeOffset(utc, TimeSpan.Zero);
            return true;
        }

        modelState.AddModelError(key, error!);
        return false;
    }
}

public sealed class NewIncidentForm : ReportForm
{
    public string? Title { get; set; }

    public LogIncident.Command ToCommand(DateTimeOffset? occurredAt) => new(
        Title, occurredAt, Oblast, Location, ViolationType, Severity, SourceType, Description,
        Latitude, Longitude, Killed, Wounded);
}

public sealed class FollowUpForm : ReportForm
{
    /// <summary>A follow-up usually reports the same place and kind of violation: start from the incident's.</summary>
    public static FollowUpForm StartingFrom(IncidentDetailsDto incident, TimeInputZone zone) => new()
    {
        OccurredAtZone = zone,
        Oblast = incident.Oblast,
        Location = incident.Location,
        Latitude = incident.Latitude,
        Longitude = incident.Longitude,
        ViolationType = incident.ViolationType,
        Severity = incident.Severity,
        SourceType = incident.SourceType,
    };

    public AddFollowUpReport.Command ToCommand(int incidentId, DateTimeOffset? occurredAt) => new(
        occurredAt, Oblast, Location, ViolationType, Severity, SourceType, Description,
        Latitude, Longitude, Killed, Wounded)
    {
        IncidentId = incidentId,
    };
}
