using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CeasefireWatch.Web.Domain;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Every bad field of a JSON body named in one 400. The serializer stops at the first value it cannot read, so a body
/// with a severity of "High" and killed of "many" would be refused for the severity alone, then for killed on the
/// next try. When that happens, the body (kept by <see cref="JsonBodyKeeper"/>) is read again field by field: each
/// field that does not read is named with what it takes, and the request made of the fields that do is put through
/// its validators, whose findings are added for every field not already named. This runs only after a body has
/// failed; a body that reads is bound by the framework as ever.
/// </summary>
internal static class JsonBodyFields
{
    /// <summary>
    /// The 400 for a body that did not read: not JSON at all, or every field that is wrong. Null when the body was not
    /// kept (too large, sent in chunks) or the reading again finds nothing better to say than the serializer's first error.
    /// </summary>
    public static async Task<ProblemDetails?> ProblemAsync(HttpContext context, Endpoint? endpoint, CancellationToken cancellationToken)
    {
        if (context.Features.Get<JsonBodyKeeper.KeptBody>() is not { } kept
            || endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is not { } requestType)
        {
            return null;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        JsonDocument document;
        try
        {
            // The serializer skips a UTF-8 byte order mark (some tools write one); the document reader does not.
            document = JsonDocument.Parse(kept.Bytes.Span.StartsWith(Utf8ByteOrderMark) ? kept.Bytes[Utf8ByteOrderMark.Length..] : kept.Bytes);
        }
        catch (JsonException error)
        {
            // The reader's own words say where: "… is an invalid end of a number. LineNumber: 0 | BytePositionInLine: 12."
            return new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest, Title = "The request could not be read.", Detail = $"The body is not valid JSON: {error.Message}",
            };
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest, Title = "The request could not be read.", Detail = "The body is not a JSON object.",
                };
            }

            var properties = options.GetTypeInfo(requestType).Properties;
            var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var failures = new List<ValidationFailure>();
            // A field sent many times over is tried once: each refusal costs an exception, and a body may repeat one thousands of times.
            var refused = new HashSet<JsonPropertyInfo>();
            var readable = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(readable))
            {
                writer.WriteStartObject();
                foreach (var field in document.RootElement.EnumerateObject())
                {
                    var property = properties.FirstOrDefault(p => string.Equals(p.Name, field.Name, comparison));
                    if (property is not null && refused.Contains(property))
                    {
                        continue;
                    }

                    if (property is not null && Unreadable(field.Value, property, options) is { } failure)
                    {
                        failures.Add(failure);
                        refused.Add(property);
                    }
                    else
                    {
                        field.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            if (failures.Count == 0)
            {
                // Each field reads on its own, yet the body did not: nothing better to say than the serializer's own error.
                return null;
            }

            await AddValidatorFindingsAsync(context.RequestServices, requestType, readable.WrittenMemory, options, failures, cancellationToken);
            return ProblemDetailsExceptionHandler.InvalidFields(failures);
        }
    }

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The 400 for a call that needs a body and was sent none, or JSON's <c>null</c>: the framework's own words for it
    /// ("Implicit body inferred for parameter … Did you mean to use a Service instead?") are for the app's developers.
    /// Null when the call takes no body, or one was sent.
    /// </summary>
    public static ProblemDetails? MissingBodyProblem(HttpContext context, Endpoint? endpoint)
    {
        if (endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is not { RequestType: not null, IsOptional: false })
        {
            return null;
        }

        var request = context.Request;
        var none = request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey(HeaderNames.TransferEncoding));
        var jsonNull = context.Features.Get<JsonBodyKeeper.KeptBody>() is { } kept && kept.Bytes.Span.Trim(" \t\r\n"u8).SequenceEqual("null"u8);
        return none || jsonNull
            ? new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request could not be read.",
                Detail = "This call needs a JSON object in its body (Content-Type: application/json) with the fields the API reference lists.",
            }
            : null;
    }

    /// <summary>What the field takes, when its value does not read as the field's type; null when it reads.</summary>
    private static ValidationFailure? Unreadable(JsonElement value, JsonPropertyInfo property, JsonSerializerOptions options)
    {
        try
        {
            value.Deserialize(property.PropertyType, options);
            return null;
        }
        catch (JsonException error)
        {
            // Within an array or an object the path says where: "stages[1]".
            var field = property.Name + (error.Path is { Length: > 1 } path ? path.TrimStart('$') : string.Empty);
            return new ValidationFailure(field, Expected(field, error));
        }
    }

    /// <summary>
    /// The request's validators run on the fields that read; what they find about a field already named for its value
    /// is left out ("give the severity" beside "severity must be one of …" says nothing new).
    /// </summary>
    private static async Task AddValidatorFindingsAsync(IServiceProvider services, Type requestType, ReadOnlyMemory<byte> readable,
        JsonSerializerOptions options, List<ValidationFailure> failures, CancellationToken cancellationToken)
    {
        object? request;
        try
        {
            request = JsonSerializer.Deserialize(readable.Span, requestType, options);
        }
        catch (JsonException)
        {
            return;
        }

        if (request is null)
        {
            return;
        }

        var named = failures.Select(f => FieldOf(f.PropertyName)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var findings = new List<ValidationFailure>(PlainTextRule.Check(request));
        foreach (var validator in services.GetServices(typeof(IValidator<>).MakeGenericType(requestType)).OfType<IValidator>())
        {
            var result = await validator.ValidateAsync(new ValidationContext<object>(request), cancellationToken);
            findings.AddRange(result.Errors);
        }

        failures.AddRange(findings.Where(f => !named.Contains(FieldOf(f.PropertyName))));
    }

    /// <summary>The top-level field a failure is about: "Stages[1]" and "stages" are both "stages".</summary>
    private static string FieldOf(string propertyName) =>
        JsonNamingPolicy.CamelCase.ConvertName(propertyName.Split('.', '[')[0]);

    /// <summary>The message for a value of <paramref name="field"/> that the JSON reader refused.</summary>
    public static string Expected(string field, JsonException error) => error is ContractValueException contract
        ? $"'{field}' must be {contract.Expected}."
        : ExpectedByName(field);

    /// <summary>For a value the JSON reader itself refused (a number, a bare time): what the field takes, where known by its name.</summary>
    private static string ExpectedByName(string field) => field.ToUpperInvariant() switch
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

/// <summary>
/// Keeps a copy of a small JSON body sent to an API call that binds one, so that <see cref="JsonBodyFields"/> can read
/// it again if it fails. Runs after authorization: a caller who may not make the call costs nothing here.
/// </summary>
internal sealed class JsonBodyKeeper(RequestDelegate next)
{
    /// <summary>Larger bodies (and bodies sent in chunks, of unknown length) are not kept; their 400 names the first error.</summary>
    public const int MaxKeptBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is > 0 and <= MaxKeptBytes
            && request.HasJsonContentType()
            && context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { RequestType: not null })
        {
            var body = new byte[request.ContentLength.Value];
            await request.Body.ReadExactlyAsync(body, context.RequestAborted);
            request.Body = new MemoryStream(body, writable: false);
            context.Features.Set(new KeptBody(body));
        }

        await next(context);
    }

    public sealed record KeptBody(ReadOnlyMemory<byte> Bytes);
}
