using System.Net;
using System.Text.Json;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>Assertions on RFC 9457 problem-details answers.</summary>
public static class Problems
{
    public const string MediaType = "application/problem+json";

    /// <summary>Asserts a problem-details answer with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal(MediaType, response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        var body = json.RootElement.Clone();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return body;
    }

    /// <summary>
    /// Asserts a 400 validation problem whose <c>errors</c> object has exactly <paramref name="fields"/> as keys,
    /// each with at least one message, and returns the <c>errors</c> object.
    /// </summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(body.TryGetProperty("errors", out var errors), $"No 'errors' object in {body}");
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var field in fields)
        {
            var messages = errors.GetProperty(field);
            Assert.True(messages.GetArrayLength() > 0, $"No message for '{field}'.");
            Assert.All(messages.EnumerateArray(), m => Assert.False(string.IsNullOrWhiteSpace(m.GetString())));
        }

        return errors;
    }
}
