using CeasefireWatch.Web.Features.Import;
using CeasefireWatch.Web.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CeasefireWatch.Web.Api;

/// <summary><c>POST /api/imports</c>: a CSV of incidents or an ACLED export, all or nothing (CONTRACT.md).</summary>
internal static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/imports", ImportAsync).WithName("ImportIncidents").RequiresPolicyOf<ImportIncidents.Command>()
            .WithTags("Import")
            .WithSummary("Import incidents from a CSV: the Incidents format or an ACLED export, detected by the header (Analyst)")
            .WithDescription(
                "Multipart form, field `file`. A file with any bad line imports nothing: the 400 problem lists every bad " +
                "line as `{ line, column, reason }` (the header is line 1). At most 50 MB and 200000 rows per file (413 beyond). `dryRun=true` checks the file and answers what " +
                "would be imported, writing nothing. Each row runs through the same escalation policy as a live report. An ACLED " +
                "event imported before (its `event_id_cnty`), or a row matching a stored incident (the same first violation, title, " +
                "oblast and location), is not imported again: `alreadyImported` counts those rows.")
            .Accepts<ImportForm>("multipart/form-data")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            // The framework's automatic antiforgery check for form endpoints would refuse API-key callers, who need
            // no token; a cookie caller is checked by CookieApiAntiforgeryMiddleware, as on every unsafe API call.
            .DisableAntiforgery()
            // Room for the file plus the multipart envelope; a larger body is refused by the server with a 413.
            .WithMetadata(new RequestSizeLimitAttribute(ImportIncidents.MaxBytes + (1024 * 1024)));
        return api;
    }

    // Describes the body for the OpenAPI document only (ImportAsync reads the form by hand). Described as IFormFile
    // alone, the body had no field name, and a client generated from the document sent the file under none.

    /// <summary>A multipart form with the CSV in the field <c>file</c>.</summary>
    public sealed record ImportForm
    {
        /// <summary>The CSV: the Incidents format or an ACLED export.</summary>
        public required IFormFile File { get; init; }
    }

    /// <summary>
    /// What an import answers: the format found, the file's rows, how many were imported (0 on a dry run), how many were
    /// not because they are stored already (an ACLED event imported before, or an incident alike), and the replay of those that are (or would be) new.
    /// </summary>
    public sealed record ImportAnswer(string Format, bool DryRun, int Rows, int Imported, int AlreadyImported, ReplaySummary Replay);

    // The form is read here rather than bound as an IFormFile parameter: the generated binder threw (a 500) on a POST with
    // no Content-Type at all, or multipart without a boundary and no body, where the caller needs to be told what to send.
    public static async Task<Results<Ok<ImportAnswer>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        string? dryRun, HttpContext http, IMediator mediator, CancellationToken ct)
    {
        var values = new QueryValues();
        var dryRunOnly = values.Flag(dryRun, nameof(dryRun));
        values.ThrowIfInvalid();

        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The file must be sent as a multipart form.",
                detail: "Send Content-Type: multipart/form-data with the CSV in the form field 'file' (curl -F file=@incidents.csv).");
        }

        IFormFile? file;
        try
        {
            file = (await http.Request.ReadFormAsync(ct)).Files.GetFile("file");
        }
        catch (InvalidDataException malformed)
        {
            // A multipart body without its boundary, or with a section the reader cannot take: its own words say which.
            return UnreadableForm(malformed.Message);
        }
        catch (IOException cutShort) when (cutShort is not BadHttpRequestException && !http.RequestAborted.IsCancellationRequested)
        {
            // The body ended (its whole declared length sent) before the closing boundary. A body over the size limit
            // (BadHttpRequestException, 413) and a caller who went away are not this.
            return UnreadableForm("The multipart body ended before its closing boundary.");
        }

        if (file is null || file.Length == 0)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["file"] = [file is null ? "Attach a CSV file in the form field 'file'." : "The file is empty: there is nothing to import."] },
                title: "The request has invalid fields.");
        }

        if (file.Length > ImportIncidents.MaxBytes)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "The file is too large.",
                detail: $"The file is {file.Length / (1024 * 1024)} MB; at most {ImportIncidents.MaxBytes / (1024 * 1024)} MB can be imported at once. Split it.");
        }

        await using var content = file.OpenReadStream();
        var outcome = await mediator.Send(new ImportIncidents.Command(content, dryRunOnly), ct);
        if (outcome.TooManyRows)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "The file is too large.",
                detail: $"The file has more than {ImportIncidents.MaxRows} rows; at most {ImportIncidents.MaxRows} can be imported at once. Split it.");
        }

        return outcome.Accepted
            ? TypedResults.Ok(new ImportAnswer(outcome.Format!.Value.ToString(), outcome.DryRun, outcome.Rows, outcome.Imported, outcome.AlreadyImported, outcome.Replay!))
            : Rejected(outcome);
    }

    private static ProblemHttpResult UnreadableForm(string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: "The multipart form could not be read.",
        detail: $"{what} Send the CSV in the form field 'file' (curl -F file=@incidents.csv).");

    /// <summary>The bad lines told as sentences in <c>errors.file</c>; <c>lines</c> has them all.</summary>
    internal const int SentencesShown = 100;

    /// <summary>400 naming every bad line, in <c>errors.file</c> as sentences and in <c>lines</c> as data.</summary>
    private static ValidationProblem Rejected(ImportIncidents.Outcome outcome)
    {
        // `lines` holds every bad line (CONTRACT.md); the sentences repeat only the first ones. Repeating all of them, a
        // 5 MB file of bad lines was answered with 131 MB.
        var messages = outcome.HeaderProblem is { } header
            ? [header]
            : outcome.BadLines.Take(SentencesShown).Select(b => $"Line {b.Line}, {b.Column}: {b.Reason}")
                .Concat(outcome.BadLines.Count > SentencesShown
                    ? [$"… and {outcome.BadLines.Count - SentencesShown} more; every bad line is in 'lines'."]
                    : [])
                .ToArray();
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["file"] = messages },
            title: outcome.HeaderProblem is null
                ? $"{outcome.BadLines.Select(b => b.Line).Distinct().Count()} bad line(s); nothing was imported."
                : "The file's format is not recognised; nothing was imported.",
            extensions: new Dictionary<string, object?>
            {
                ["format"] = outcome.Format?.ToString(),
                ["lines"] = outcome.BadLines,
            });
    }
}
