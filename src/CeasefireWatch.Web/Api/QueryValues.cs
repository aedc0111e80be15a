using System.Globalization;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.OpenApi;

namespace CeasefireWatch.Web.Api;

/// <summary>
/// Reads the API's optional numeric and true/false query values, which the endpoints bind as text. The Request
/// Delegate Generator answers a nullable value type that does not parse (<c>?page=abc</c>) with a bare 400 that names
/// nothing; read here, every such value is a 400 with an <c>errors</c> object keyed by the query name, as CONTRACT.md
/// says a validation failure is. All the values one reader reads are named at once, and with them whatever the request's
/// own validator finds in the rest (a status, a date), so one answer names every bad value of the query.
/// </summary>
internal sealed class QueryValues
{
    private readonly List<ValidationFailure> failures = [];

    /// <summary>What the query values read here take, for the OpenAPI document; null for any other name.</summary>
    public static JsonSchemaType? DeclaredType(string? name) => name?.ToUpperInvariant() switch
    {
        "PAGE" or "PAGESIZE" => JsonSchemaType.Integer,
        "BOM" or "DRYRUN" => JsonSchemaType.Boolean,
        _ => null,
    };

    /// <summary>An optional whole number; null when absent or empty.</summary>
    public int? WholeNumber(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        failures.Add(new ValidationFailure(name, $"'{name}' must be a whole number; '{Shown(text)}' is not."));
        return null;
    }

    /// <summary>An optional true/false; false when absent or empty.</summary>
    public bool Flag(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        failures.Add(new ValidationFailure(name, $"'{name}' must be true or false; '{Shown(text)}' is not."));
        return false;
    }

    /// <summary>Throws the validation failure the problem-details handler answers with a 400, if any value was bad.</summary>
    public void ThrowIfInvalid()
    {
        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }
    }

    /// <summary>
    /// If any value read here was bad, runs <paramref name="validator"/> on <paramref name="request"/> (built with those
    /// values left out) and throws every failure of both at once; otherwise does nothing, and the mediator validates the
    /// request as usual.
    /// </summary>
    public async ValueTask ThrowIfInvalidAsync<TRequest>(TRequest request, IValidator<TRequest> validator, CancellationToken cancellationToken)
    {
        if (failures.Count == 0)
        {
            return;
        }

        var rest = await validator.ValidateAsync(request, cancellationToken);
        throw new ValidationException([.. failures, .. rest.Errors]);
    }

    // The value goes back into the answer: keep a hostile one short, and whole characters (an emoji is two chars).
    private static string Shown(string text)
    {
        const int Longest = 40;
        if (text.Length <= Longest)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[Longest - 1]) ? Longest - 1 : Longest;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
