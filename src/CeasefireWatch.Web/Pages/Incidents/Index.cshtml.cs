using System.Globalization;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Incidents;

/// <summary>The incident list: filters, paging, and the export of what is filtered.</summary>
public sealed class IndexModel(IMediator mediator) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Oblast { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Verification { get; set; }

    /// <summary>"true": only active incidents with a checklist item overdue (the dashboard links here).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Overdue { get; set; }

    /// <summary>First violation on or after this day (UTC).</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    /// <summary>First violation on or before this day (UTC), inclusive.</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    /// <summary>"p", not "page": Razor Pages reserves the "page" route value for the page's own path.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public PagedResult<IncidentDto> Result { get; private set; } = new([], 0);

    public int PageCount => Math.Max(1, (int)Math.Ceiling(Result.Total / (double)ListIncidents.DefaultPageSize));

    /// <summary>The same filters as the CSV export's query string.</summary>
    public Dictionary<string, string?> ExportQuery { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = new ListIncidents.Query(
            Status, Stage, Oblast, StartOfDay(From), EndOfDay(To), PageNumber, ListIncidents.DefaultPageSize, Verification, Overdue);
        ExportQuery = new Dictionary<string, string?>
        {
            ["status"] = Status,
            ["stage"] = Stage,
            ["oblast"] = Oblast,
            ["verification"] = Verification,
            ["from"] = query.From,
            ["to"] = query.To,
        };

        if (!ModelState.IsValid)
        {
            return;
        }

        try
        {
            Result = await mediator.Send(query, ct);
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, string.Empty);
        }
    }

    /// <summary>The route values of another page of the same filtered list.</summary>
    public Dictionary<string, string> RouteFor(int page)
    {
        var values = new Dictionary<string, string?>
        {
            ["status"] = Status,
            ["stage"] = Stage,
            ["oblast"] = Oblast,
            ["verification"] = Verification,
            ["overdue"] = Overdue,
            ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["p"] = page.ToString(CultureInfo.InvariantCulture),
        };
        return values.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!);
    }

    private static string? StartOfDay(DateOnly? day) =>
        day is { } d ? UtcFormat.Iso(d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)) : null;

    /// <summary>The last millisecond of the day: the filter's upper bound is inclusive.</summary>
    private static string? EndOfDay(DateOnly? day) =>
        day is { } d ? UtcFormat.Iso(d.ToDateTime(new TimeOnly(23, 59, 59, 999), DateTimeKind.Utc)) : null;
}
