package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"atlas/internal/media/mediatest"
)

// uploadPicture uploads a 1600 × 1000 photo into a sheet during setup and
// returns its SHA-256.
func uploadPicture(api, token, slug string) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("alt", "Une photo du banc"); err != nil {
		return "", err
	}
	part, err := mw.CreateFormFile("file", "banc.jpg")
	if err != nil {
		return "", err
	}
	if _, err := part.Write(mediatest.JPEG(1600, 1000, 1)); err != nil {
		return "", err
	}
	if err := mw.Close(); err != nil {
		return "", err
	}
	req, err := http.NewRequest(http.MethodPost, api+"/sheets/"+slug+"/media", &body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	data, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("upload: %d %s", resp.StatusCode, data)
	}
	var out struct{ SHA256 string }
	if err := json.Unmarshal(data, &out); err != nil {
		return "", err
	}
	return out.SHA256, nil
}
