using System.Text.Json;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Turns the exceptions that mean "your request was wrong" into RFC 9457 problem details for API
/// callers: a validation failure is a 400 with an <c>errors</c> object keyed by field (camelCase, as
/// the JSON was sent), a missing incident 404, a rule of the incident's state 409, a storage fault 503 with
/// <c>Retry-After</c>. Pages handle these themselves; anything else falls through to the error page (which
/// explains a storage fault to people with the same 503).
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // By now the request has been re-pointed at the error page; the feature keeps the path that failed.
        var failedPath = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path;
        if (StorageFailure.Is(exception))
        {
            StorageFailure.Recover(exception);
        }

        if (!failedPath.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ProblemDetails? problem = exception switch
        {
            ValidationException validation => new ValidationProblemDetails(
                validation.Errors
                    .GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request has invalid fields.",
            },
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
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

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

        var expected = json is ContractValueException contract ? $"'{field}' must be {contract.Expected}." : ExpectedValue(field);
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [expected] })
        {
            Status = bad.StatusCode,
            Title = "The request has invalid fields.",
        };
    }

    /// <summary>For a value the JSON reader itself refused (a number, a bare time): what the field takes, where known by its name.</summary>
    private static string ExpectedValue(string field) => field.ToUpperInvariant() switch
    {
        "VIOLATIONTYPE" => Names<ViolationType>(field),
        "SEVERITY" => Names<Domain.Severity>(field),
        "SOURCETYPE" => Names<SourceType>(field),
        "TOSTAGE" or "STAGE" => Names<Stage>(field),
        _ when field.EndsWith("At", StringComparison.OrdinalIgnoreCase) =>
            $"'{field}' must be an ISO 8601 time with an offset, such as {ContractText.InstantExample}.",
        _ => $"'{field}' has a value of the wrong type.",
    };

    private static string Names<T>(string field)
        where T : struct, Enum => $"'{field}' must be one of: {string.Join(", ", Enum.GetNames<T>())}.";
}
