using System.Text.Json;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Turns the exceptions that mean "your request was wrong" into RFC 9457 problem details for API
/// callers: a validation failure is a 400 with an <c>errors</c> object keyed by field (camelCase, as
/// the JSON was sent), a missing incident 404, a rule of the incident's state 409, a storage fault 503 with
/// <c>Retry-After</c>, anything else a 500 that tells nothing of its inside. Pages handle these themselves or fall
/// through to the error page (which explains a storage fault to people with the same 503).
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, Health.HealthMonitor health) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // By now the request has been re-pointed at the error page; the feature keeps the path that failed.
        var failedPath = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path;
        if (StorageFailure.Is(exception))
        {
            StorageFailure.Recover(exception);
            health.WriteRefused(exception);
        }

        if (!failedPath.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // A body that did not read is read again field by field, so that the 400 names every bad field, not the first.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException } => await JsonBodyFields.ProblemAsync(httpContext, endpoint, cancellationToken),
            BadHttpRequestException { InnerException: null } => JsonBodyFields.MissingBodyProblem(httpContext, endpoint),
            _ => null,
        };

        problem ??= exception switch
        {
            ValidationException validation => InvalidFields(validation.Errors),
            BadHttpRequestException bad => BadRequest(bad),
            NotFoundException notFound => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound, Title = "Not found.", Detail = notFound.Message,
            },
            DomainRuleException rule => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict, Title = "Not possible in the incident's current state.", Detail = rule.Message,
            },
            Security.ForbiddenException forbidden => new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden, Title = "Not allowed.", Detail = forbidden.Message,
            },
            _ when ConcurrentChange.Is(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The incident changed while this request was handled.",
                Detail = "Nothing was saved. Read the incident again and retry.",
            },
            _ when StorageFailure.Is(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage is unavailable; nothing was saved.",
                Detail = $"{StorageFailure.Describe(exception)} Retry the same request later.",
            },
            // Unforeseen (a bug, a fault nothing here names): still a problem, never the people's HTML page, and nothing
            // of the exception's own words, which may carry what a caller must not read. The log has it, by trace id.
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "The server failed to answer this request.",
                Detail = "Nothing in the request was found wrong. Retry it; if it fails again, give the operator this answer's trace id.",
            },
        };

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = ((int)StorageFailure.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>A 400 with the failures keyed by field as the JSON spells it (camelCase), each message once.</summary>
    public static ValidationProblemDetails InvalidFields(IEnumerable<ValidationFailure> failures) => new(
        failures
            .GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()))
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request has invalid fields.",
    };

    /// <summary>An unreadable body or query: name the field, and what it takes, when the JSON reader knows it.</summary>
    private static ProblemDetails BadRequest(BadHttpRequestException bad)
    {
        if (bad.InnerException is not JsonException json)
        {
            return new ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read.", Detail = bad.Message };
        }

        var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
        if (field is null)
        {
            return new ProblemDetails
            {
                Status = bad.StatusCode, Title = "The request could not be read.", Detail = "The body is not a valid JSON object.",
            };
        }

        var expected = JsonBodyFields.Expected(field, json);
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [expected] })
        {
            Status = bad.StatusCode,
            Title = "The request has invalid fields.",
        };
    }
}
